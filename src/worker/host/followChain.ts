// The host's side of the light client: it fetches genesis, headers, blocks and proofs from a node (which
// may lie) and hands them to the enclave core's light client, which decides what to believe. Every
// answer the node gives is checked: headers by the light client, block bodies against the verified
// extrinsics root, storage against the verified state root.
//
// Authority changes: a header is signed by one of the authorities in its parent's state, and the
// light client holds that set only if it is told of each change, by a proof of `system.Authorities`.
// The host gives one (a) right after importing a block whose body proposes a change
// (proposesAuthorityChange.ts), so that removals take effect from the very next header, and (b)
// with any header whose author the light client does not know, which catches additions that (a)
// did not see. A host or node that withholds (a) keeps a removed authority trusted by this worker;
// only a header that key signs can then mislead it (ARCHITECTURE.md says more).

import { getBlock } from '../../client/getBlock.js';
import { getBlockHash } from '../../client/getBlockHash.js';
import { getHeader } from '../../client/getHeader.js';
import { getStorage } from '../../client/getStorage.js';
import type { RpcClient } from '../../client/types.js';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { listRoot, type SignedHeader } from '../../codec/chain.js';
import type { OutcomeJson } from '../../codec/rpcWire.js';
import { Authorities } from '../../runtime/system/storage.js';
import {
  type AuthorityProof,
  createLightClient,
  type LightClient,
  LightClientError,
  readGenesisAuthorities,
  type VerifiedHeader,
} from '../enclave/lightClient.js';
import { WorkerError } from './errors.js';
import { proposesAuthorityChange } from './proposesAuthorityChange.js';

/** A block whose header the light client accepted and whose body matches its extrinsics root. */
export interface VerifiedBlock extends VerifiedHeader {
  readonly extrinsics: readonly Uint8Array[];
  /** Per extrinsic, what the node says happened (unverified: for logs and retry decisions only). */
  readonly receipts: readonly { hash: Uint8Array; outcome: OutcomeJson | null }[];
}

function badAnswer(message: string, details: Record<string, unknown> = {}): WorkerError {
  return new WorkerError('BadNodeAnswer', message, details);
}

/** Starts a light client at the pinned genesis: the genesis header and its authority proof come from the node. */
export async function bootstrapLightClient(client: RpcClient, genesisHash: Uint8Array): Promise<LightClient> {
  const header = await getHeader(client, genesisHash);
  if (!header) {
    throw new WorkerError(
      'ChainMismatch',
      `the node at ${client.url} does not know genesis 0x${bytesToHex(genesisHash)}`,
    );
  }
  const storage = await getStorage(client, Authorities.key, genesisHash);
  if (!storage) throw badAnswer('the node gave no proof of the genesis authorities');
  const authorities = readGenesisAuthorities(genesisHash, header.signed.header, storage.value, storage.proof);
  return createLightClient({ genesisHash, genesisHeader: header.signed.header, authorities });
}

/**
 * Imports blocks from the light client's head towards the node's best block, in order, at most
 * `maxBlocks` of them. `onBlock` sees each verified block before the next one is fetched. `caughtUp`
 * says whether the head reached the best block the node announced.
 */
export async function syncLightClient(
  client: RpcClient,
  lightClient: LightClient,
  onBlock: (block: VerifiedBlock) => void | Promise<void> = () => {},
  maxBlocks = 10_000,
): Promise<{ imported: number; caughtUp: boolean }> {
  const best = await getHeader(client);
  if (!best) throw badAnswer('the node has no best block');
  const from = lightClient.head().header.number;
  if (best.signed.header.number < from) {
    // A node still syncing, or one that lost blocks: nothing to follow, and its state at our head
    // cannot be read. Wait for it rather than act on a head it does not know.
    throw badAnswer(
      `the node's best block ${best.signed.header.number} is behind this worker's verified head ${from}`,
      { best: best.signed.header.number, head: from },
    );
  }
  let imported = 0;
  for (let number = lightClient.head().header.number + 1; number <= best.signed.header.number; number++) {
    if (imported >= maxBlocks) return { imported, caughtUp: false };
    const hash = await getBlockHash(client, number);
    const info = hash && (await getBlock(client, hash));
    if (!info) throw badAnswer(`the node does not serve block ${number}`, { number });
    const { block } = info;
    if (!equalBytes(listRoot(block.extrinsics), block.header.extrinsicsRoot)) {
      throw badAnswer(`block ${number}: the extrinsics do not match the extrinsics root`, { number });
    }
    if (info.extrinsics.length !== block.extrinsics.length) {
      throw badAnswer(`block ${number}: receipts do not match the extrinsics`, { number });
    }
    // (b) An author the light client does not know: the set in the parent's state may have changed
    // by a path (a) did not see. The light client checks the header against the proven set.
    const parent = lightClient.head();
    const parentProof = isKnownAuthor(lightClient, block)
      ? undefined
      : await authorityProofAt(client, parent.hash, parent.header.number);
    // (a) Fetched before the import, so that a node that cannot answer leaves this block for the
    // next tick instead of leaving it imported with the old set.
    const ownProof = proposesAuthorityChange(block.extrinsics)
      ? await authorityProofAt(client, hash, number)
      : undefined;
    let verifiedHash: Uint8Array;
    try {
      verifiedHash = lightClient.importHeader(block, parentProof);
    } catch (error) {
      if (error instanceof LightClientError && error.code === 'WrongParent')
        await refuseOtherBranch(client, lightClient.head());
      throw error;
    }
    if (ownProof) lightClient.adoptAuthorities(ownProof);
    imported++;
    await onBlock({
      hash: verifiedHash,
      header: lightClient.head().header,
      extrinsics: block.extrinsics,
      receipts: info.extrinsics,
    });
  }
  return { imported, caughtUp: true };
}

function isKnownAuthor(lightClient: LightClient, block: SignedHeader): boolean {
  return lightClient.authorities().some((key) => equalBytes(key, block.header.author));
}

/** The node's proof of `system.Authorities` in the state of block `hash`; the light client checks it. */
async function authorityProofAt(
  client: RpcClient,
  hash: Uint8Array,
  number: number,
): Promise<AuthorityProof> {
  const storage = await getStorage(client, Authorities.key, hash);
  if (!storage) throw badAnswer(`the node gave no proof of the authorities at block ${number}`, { number });
  return { value: storage.value, proof: storage.proof };
}

/**
 * Called when the node's next block does not link to the verified head. If the node's own block at
 * the head's number is another one, the node serves a chain that does not contain the head (after a
 * restart from a checkpoint: a branch the authorities also signed, or a chain rebuilt on the same
 * genesis): ForkedChain. The worker does not follow it; which history is right is for its operator
 * to decide (removing the light client checkpoint makes the worker follow the node from genesis).
 * Otherwise the node merely served a bad header, and the caller's WrongParent stands.
 */
async function refuseOtherBranch(client: RpcClient, head: VerifiedHeader): Promise<void> {
  const theirs = await getBlockHash(client, head.header.number);
  if (theirs === undefined || equalBytes(theirs, head.hash)) return;
  throw new WorkerError(
    'ForkedChain',
    `the node's block ${head.header.number} is 0x${bytesToHex(theirs)}, not the verified 0x${bytesToHex(head.hash)}: ` +
      'it serves another branch, which this worker refuses to follow (removing the light client ' +
      'checkpoint makes it follow this node from genesis)',
    { number: head.header.number, node: bytesToHex(theirs), verified: bytesToHex(head.hash) },
  );
}

/**
 * A storage value proven against the state root of a header the light client accepted (default: its
 * head). Undefined: the key is proven absent. A lying node is a LightClientError (InvalidProof).
 */
export async function readProven(
  client: RpcClient,
  lightClient: LightClient,
  key: Uint8Array,
  at: VerifiedHeader = lightClient.head(),
): Promise<Uint8Array | undefined> {
  const result = await getStorage(client, key, at.hash);
  if (!result)
    throw badAnswer(`the node does not know block ${at.header.number}`, { number: at.header.number });
  return lightClient.verifyStorage(at.hash, key, result.value, result.proof);
}
