// How the chain store keeps a block: its SCALE encoding without the header's first two fields, the
// parent hash and the number, which the store already holds (the parent's entry in `numbers`, and
// the key the block is stored under), and without an extrinsics or events root that is the root of
// an empty list (a flag byte says which were left out). Blocks are kept forever, so those bytes
// (36, and 64 more for an idle block: about a third of it) are what an idle chain's store grows by.
// The genesis block, which has no parent entry, is kept whole.
import { concatBytes, equalBytes } from '../../codec/bytes.js';
import { type Block, BlockCodec, listRoot } from '../../codec/chain.js';
import { decodeExact, u32 } from '../../codec/scale.js';
import { StoreError } from '../errors.js';

const EMPTY_ROOT = listRoot([]);
/** After the leading fields: timestamp (8), state root (32), then the two list roots (32 each). */
const ROOTS_AT = 8 + 32;
const ROOT = 32;
const NO_EXTRINSICS_ROOT = 1;
const NO_EVENTS_ROOT = 2;

/** SCALE's parentHash (32 bytes) then number (u32): the bytes an encoded block starts with. */
function leadingFields(parentHash: Uint8Array, number: number): Uint8Array {
  return concatBytes(parentHash, u32.enc(number));
}

/** The stored bytes of `block`. */
export function encodeStoredBlock(block: Block): Uint8Array {
  const bytes = BlockCodec.enc(block);
  const { parentHash, number } = block.header;
  if (number === 0) return bytes;
  const leading = leadingFields(parentHash, number);
  // Checked rather than assumed: if the header's fields ever change order, the store refuses to
  // write instead of keeping bytes it would rebuild into another block.
  if (!equalBytes(bytes.subarray(0, leading.length), leading)) {
    throw new StoreError(
      'UnexpectedBlockEncoding',
      `block ${number}'s encoding does not start with its parent hash and number`,
      { number },
    );
  }
  const rest = bytes.subarray(leading.length);
  const extrinsicsRoot = rest.subarray(ROOTS_AT, ROOTS_AT + ROOT);
  const eventsRoot = rest.subarray(ROOTS_AT + ROOT, ROOTS_AT + 2 * ROOT);
  const flags =
    (equalBytes(extrinsicsRoot, EMPTY_ROOT) ? NO_EXTRINSICS_ROOT : 0) |
    (equalBytes(eventsRoot, EMPTY_ROOT) ? NO_EVENTS_ROOT : 0);
  return concatBytes(
    Uint8Array.of(flags),
    rest.subarray(0, ROOTS_AT),
    flags & NO_EXTRINSICS_ROOT ? new Uint8Array(0) : extrinsicsRoot,
    flags & NO_EVENTS_ROOT ? new Uint8Array(0) : eventsRoot,
    rest.subarray(ROOTS_AT + 2 * ROOT),
  );
}

/** The block's encoding after its leading fields, from the stored bytes (the roots put back). */
function restoreRoots(stored: Uint8Array, number: number): Uint8Array {
  const flags = stored[0];
  if (flags === undefined || flags > (NO_EXTRINSICS_ROOT | NO_EVENTS_ROOT)) {
    throw new StoreError('UnexpectedBlockEncoding', `stored block ${number} has unknown flags`, { number });
  }
  let at = 1 + ROOTS_AT;
  const take = (flag: number): Uint8Array => {
    if (flags & flag) return EMPTY_ROOT;
    const root = stored.subarray(at, at + ROOT);
    at += ROOT;
    return root;
  };
  const extrinsicsRoot = take(NO_EXTRINSICS_ROOT);
  const eventsRoot = take(NO_EVENTS_ROOT);
  return concatBytes(stored.subarray(1, 1 + ROOTS_AT), extrinsicsRoot, eventsRoot, stored.subarray(at));
}

/** The block stored as `stored` under `number`, whose parent's hash is `parentHash` (none at 0). */
export function decodeStoredBlock(
  stored: Uint8Array,
  number: number,
  parentHash: Uint8Array | undefined,
): Block {
  const bytes =
    number === 0 || parentHash === undefined
      ? stored
      : concatBytes(leadingFields(parentHash, number), restoreRoots(stored, number));
  return decodeExact(BlockCodec, bytes, 'stored block');
}
