// The enclave core's light client (DESIGN.md sections 1 and 2): the host is untrusted, so the core
// follows the chain itself from a genesis it pins by hash, accepting a header only if it extends the
// last accepted one by the chain's one rule, `checkHeaderExtendsParent` (parent hash, number + 1, a
// timestamp above the parent's and at most MAX_TIMESTAMP_STEP_MS after it, an authority's
// signature), the same function full nodes apply. It passes no clock: the host's is the only one it
// could get, and an untrusted clock proves nothing (that function's comment says what follows). State
// it acts on (its WorkerState, the network key box, the gatekeeper set, ...) is read through Merkle
// proofs against the state root of a header it accepted. A refused header or proof is a typed
// LightClientError and leaves the client exactly as it was.
//
// The authority set starts as the genesis one and changes by governance (`system.setAuthorities`):
// the set that may sign a header is the one in its parent's state, so the client adopts a new set
// only from a proof of `system.Authorities` against its head's state root (`adoptAuthorities`, or
// with the next header in `importHeader`). Which blocks need such a proof is the host's call
// (followChain.ts): the client cannot see block bodies, so a host that withholds the proof after a
// removal keeps the removed key trusted here (followChain.ts and ARCHITECTURE.md say what follows).
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { type Header, hashHeader, type SignedHeader } from '../../codec/chain.js';
import { checkHeaderExtendsParent, type HeaderRuleCode } from '../../codec/checkHeaderExtendsParent.js';
import { PhalanxError } from '../../codec/errors.js';
import { type Codec, decodeExact } from '../../codec/scale.js';
import { verifyProof } from '../../codec/trie/index.js';
import type { StorageItem } from '../../runtime/support/storage.js';
import { Authorities } from '../../runtime/system/storage.js';

export type LightClientErrorCode =
  /** A header that does not extend the head: the codes of `checkHeaderExtendsParent`. */
  | HeaderRuleCode
  | 'GenesisMismatch'
  | 'MalformedHeader'
  | 'UnknownBlock'
  | 'InvalidProof'
  | 'MalformedValue'
  | 'NoAuthorities'
  /** A sealed checkpoint that cannot be read, does not unseal or does not decode (createCheckpointStore.ts). */
  | 'CheckpointInvalid'
  /** A sealed checkpoint of another chain than the pinned one. */
  | 'CheckpointOtherChain'
  /** The checkpoint could not be written. */
  | 'CheckpointWriteFailed';

export class LightClientError extends PhalanxError {
  declare readonly code: LightClientErrorCode;

  constructor(
    code: LightClientErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(code, message, details, options);
  }
}

/** A header the light client accepted, with its hash. */
export interface VerifiedHeader {
  readonly hash: Uint8Array;
  readonly header: Header;
}

export interface LightClientOptions {
  /** The chain this worker belongs to: the genesis header must hash to it. */
  readonly genesisHash: Uint8Array;
  /** The genesis header as served by the (untrusted) host; checked against `genesisHash`. */
  readonly genesisHeader: Header;
  /** The genesis block authorities, from `readGenesisAuthorities`. */
  readonly authorities: readonly Uint8Array[];
  /** How many recent accepted headers are kept for proofs (default 256). */
  readonly retainHeaders?: number;
}

/**
 * What the light client needs to carry on from its head without the headers before it: the chain
 * (genesis hash), who may sign the next header (the authority set it holds: the genesis one or the
 * last it adopted from a proof) and the last verified header. Only ever taken from a live client and
 * kept sealed (createCheckpointStore.ts).
 */
export interface LightClientCheckpoint {
  readonly genesisHash: Uint8Array;
  readonly authorities: readonly Uint8Array[];
  readonly head: Header;
}

/**
 * A proof of `system.Authorities` (its value, or undefined for absent, and the trie nodes) against
 * the state root of the light client's head, as a node's `state_getStorage` at the head's hash gives.
 */
export interface AuthorityProof {
  readonly value: Uint8Array | undefined;
  readonly proof: readonly Uint8Array[];
}

export interface LightClient {
  readonly genesisHash: Uint8Array;
  /** The last accepted header. */
  head(): VerifiedHeader;
  /** The keys that may sign the next header (copies): the genesis set or the last adopted one. */
  authorities(): Uint8Array[];
  /** Headers this client checked and accepted since it was created or resumed. */
  verifiedHeaders(): number;
  /** Its state at the head, to seal and resume from (resumeLightClient). */
  checkpoint(): LightClientCheckpoint;
  /** An accepted header still retained, by hash. */
  header(hash: Uint8Array): VerifiedHeader | undefined;
  /**
   * Checks and accepts the next header; returns its hash. With `authorityProof` (of the head's
   * state, the header's parent) it first adopts the proven set and checks the header against it.
   * Throws LightClientError (InvalidProof, MalformedValue, NoAuthorities for the proof; a header
   * rule's code) and then keeps its state: head and authority set alike.
   */
  importHeader(signed: SignedHeader, authorityProof?: AuthorityProof): Uint8Array;
  /**
   * Adopts the authority set proven in the head's state: the set that may sign the next header.
   * Returns it (copies). Throws InvalidProof, MalformedValue or NoAuthorities and keeps its set.
   */
  adoptAuthorities(authorityProof: AuthorityProof): Uint8Array[];
  /**
   * Checks a storage proof against the state root of an accepted header and returns the proven value
   * (undefined: the key is proven absent). Throws UnknownBlock or InvalidProof.
   */
  verifyStorage(
    blockHash: Uint8Array,
    key: Uint8Array,
    value: Uint8Array | undefined,
    proof: readonly Uint8Array[],
  ): Uint8Array | undefined;
}

const HASH_LENGTH = 32;
const KEY_LENGTH = 32;
const SIGNATURE_LENGTH = 64;

function isBytes(value: unknown, length: number): value is Uint8Array {
  return value instanceof Uint8Array && value.length === length;
}

// Headers come from the host: check every field's type before hashing, so a malformed one is a
// typed refusal and never a TypeError from the codec.
function checkHeaderShape(signed: SignedHeader): void {
  const header = (signed as Partial<SignedHeader> | undefined)?.header;
  const ok =
    header !== undefined &&
    isBytes(header.parentHash, HASH_LENGTH) &&
    Number.isInteger(header.number) &&
    header.number >= 0 &&
    header.number <= 0xffff_ffff &&
    typeof header.timestamp === 'bigint' &&
    header.timestamp >= 0n &&
    header.timestamp < 1n << 64n &&
    isBytes(header.stateRoot, HASH_LENGTH) &&
    isBytes(header.extrinsicsRoot, HASH_LENGTH) &&
    isBytes(header.eventsRoot, HASH_LENGTH) &&
    isBytes(header.author, KEY_LENGTH) &&
    isBytes(signed.signature, SIGNATURE_LENGTH);
  if (!ok)
    throw new LightClientError('MalformedHeader', 'header or signature has missing or malformed fields');
}

// Copy: the host's objects must not be able to change what was verified (a genesis header whose
// timestamp turns 0 afterwards would lift the step bound on block 1).
function copyHeader(header: Header): Header {
  return {
    ...header,
    parentHash: header.parentHash.slice(),
    stateRoot: header.stateRoot.slice(),
    extrinsicsRoot: header.extrinsicsRoot.slice(),
    eventsRoot: header.eventsRoot.slice(),
    author: header.author.slice(),
  };
}

/**
 * The authority set of a chain, proven against its genesis header: the header must hash to the pinned
 * `genesisHash`, and `value`/`proof` must prove `system.Authorities` in its state root.
 */
export function readGenesisAuthorities(
  genesisHash: Uint8Array,
  genesisHeader: Header,
  value: Uint8Array | undefined,
  proof: readonly Uint8Array[],
): Uint8Array[] {
  checkHeaderShape({ header: genesisHeader, signature: new Uint8Array(SIGNATURE_LENGTH) });
  const hash = hashHeader(genesisHeader);
  if (!equalBytes(hash, genesisHash)) {
    throw new LightClientError(
      'GenesisMismatch',
      `genesis header hashes to 0x${bytesToHex(hash)}, not the pinned 0x${bytesToHex(genesisHash)}`,
    );
  }
  if (value === undefined || !verifyProof(genesisHeader.stateRoot, Authorities.key, value, proof)) {
    throw new LightClientError('InvalidProof', `${Authorities.name} is not proven in the genesis state`);
  }
  const authorities = decodeItem(Authorities, value);
  if (authorities.length === 0)
    throw new LightClientError('NoAuthorities', 'the genesis names no authorities');
  return authorities;
}

/** Decodes a proven value; bytes that do not decode are a MalformedValue refusal, not a crash. */
export function decodeValue<T>(codec: Codec<T>, bytes: Uint8Array, what: string): T {
  try {
    return decodeExact(codec, bytes, what);
  } catch (cause) {
    throw new LightClientError(
      'MalformedValue',
      `${what} does not decode: ${(cause as Error).message}`,
      { what },
      { cause },
    );
  }
}

/**
 * Decodes a proven value of a runtime storage item (its declaration in the module's storage.ts,
 * whose key the proof was asked for); a MalformedValue refusal naming the item if it does not decode.
 */
export function decodeItem<T>(item: StorageItem<T>, bytes: Uint8Array): T {
  return decodeValue(item.valueCodec, bytes, item.name);
}

export function createLightClient(options: LightClientOptions): LightClient {
  const genesisHash = Uint8Array.from(options.genesisHash);
  const retain = Math.max(1, options.retainHeaders ?? 256);
  checkHeaderShape({ header: options.genesisHeader, signature: new Uint8Array(SIGNATURE_LENGTH) });
  const computed = hashHeader(options.genesisHeader);
  if (!equalBytes(computed, genesisHash) || options.genesisHeader.number !== 0) {
    throw new LightClientError(
      'GenesisMismatch',
      `genesis header hashes to 0x${bytesToHex(computed)}, not the pinned 0x${bytesToHex(genesisHash)}`,
    );
  }
  return openLightClient(
    genesisHash,
    checkAuthorities(options.authorities),
    { hash: computed, header: copyHeader(options.genesisHeader) },
    retain,
  );
}

/**
 * A light client that carries on from a checkpoint another one of this core took (`checkpoint()`),
 * verifying only the headers after it. The checkpoint is trusted as it stands, so it must come from
 * this core's sealed store (createCheckpointStore.ts), never from the host; its fields are still
 * checked for shape, so a bad one is a typed refusal.
 */
export function resumeLightClient(
  checkpoint: LightClientCheckpoint,
  options: { readonly retainHeaders?: number } = {},
): LightClient {
  const retain = Math.max(1, options.retainHeaders ?? 256);
  if (!isBytes(checkpoint?.genesisHash, HASH_LENGTH))
    throw new LightClientError('CheckpointInvalid', 'the checkpoint names no 32-byte genesis hash');
  const genesisHash = Uint8Array.from(checkpoint.genesisHash);
  try {
    checkHeaderShape({ header: checkpoint.head, signature: new Uint8Array(SIGNATURE_LENGTH) });
  } catch (cause) {
    throw new LightClientError('CheckpointInvalid', 'the checkpoint head is malformed', {}, { cause });
  }
  const hash = hashHeader(checkpoint.head);
  // A checkpoint at block 0 is the genesis itself: it must be the pinned one.
  if (checkpoint.head.number === 0 && !equalBytes(hash, genesisHash)) {
    throw new LightClientError(
      'GenesisMismatch',
      `checkpoint genesis hashes to 0x${bytesToHex(hash)}, not 0x${bytesToHex(genesisHash)}`,
    );
  }
  return openLightClient(
    genesisHash,
    checkAuthorities(checkpoint.authorities),
    { hash, header: copyHeader(checkpoint.head) },
    retain,
  );
}

/**
 * The authority set proven against `at`'s state root. Neither the value nor the proof is trusted: a
 * proof that does not match, a value that does not decode or an empty set is a typed refusal.
 */
function provenAuthorities(at: VerifiedHeader, authorityProof: AuthorityProof): Uint8Array[] {
  const { value, proof } = (authorityProof ?? {}) as Partial<AuthorityProof>;
  if (!verifyProof(at.header.stateRoot, Authorities.key, value, proof ?? [])) {
    throw new LightClientError(
      'InvalidProof',
      `${Authorities.name} is not proven in the state of block ${at.header.number}`,
      { number: at.header.number },
    );
  }
  // Proven absent: a state without authorities, which no Phalanx chain has (genesis requires one).
  if (value === undefined) {
    throw new LightClientError('NoAuthorities', `block ${at.header.number} holds no ${Authorities.name}`, {
      number: at.header.number,
    });
  }
  return checkAuthorities(decodeItem(Authorities, value));
}

function checkAuthorities(keys: readonly Uint8Array[]): Uint8Array[] {
  const authorities = (Array.isArray(keys) ? keys : []).map((key) => {
    if (!isBytes(key, KEY_LENGTH))
      throw new LightClientError('NoAuthorities', 'an authority key is not 32 bytes');
    return Uint8Array.from(key);
  });
  if (authorities.length === 0)
    throw new LightClientError('NoAuthorities', 'the light client needs at least one authority');
  return authorities;
}

/** The client proper, from a head already trusted (the pinned genesis or a sealed checkpoint). */
function openLightClient(
  genesisHash: Uint8Array,
  keys: readonly Uint8Array[],
  start: VerifiedHeader,
  retain: number,
): LightClient {
  let head = start;
  let authorities = keys;
  let verified = 0;
  // Insertion-ordered: the oldest entry goes first when the window is full.
  const recent = new Map<string, VerifiedHeader>([[bytesToHex(start.hash), head]]);

  return {
    genesisHash,
    head: () => head,
    authorities: () => authorities.map((key) => key.slice()),
    verifiedHeaders: () => verified,
    checkpoint: () => ({
      genesisHash: genesisHash.slice(),
      authorities: authorities.map((key) => key.slice()),
      head: copyHeader(head.header),
    }),
    header: (hash) => (hash instanceof Uint8Array ? recent.get(bytesToHex(hash)) : undefined),

    importHeader(signed, authorityProof) {
      checkHeaderShape(signed);
      const { header } = signed;
      // Adopted only with the header: a refused header leaves the old set, as it leaves the old head.
      const signers = authorityProof === undefined ? authorities : provenAuthorities(head, authorityProof);
      const refusal = checkHeaderExtendsParent(head, signed, { authorities: signers });
      if (refusal) {
        throw new LightClientError(refusal.code, `header ${header.number}: ${refusal.message}`, {
          number: header.number,
          ...refusal.details,
        });
      }
      const hash = hashHeader(header);
      head = { hash, header: copyHeader(header) };
      authorities = signers;
      verified++;
      recent.set(bytesToHex(hash), head);
      if (recent.size > retain) recent.delete(recent.keys().next().value as string);
      return hash;
    },

    adoptAuthorities(authorityProof) {
      authorities = provenAuthorities(head, authorityProof);
      return authorities.map((key) => key.slice());
    },

    verifyStorage(blockHash, key, value, proof) {
      const verified = blockHash instanceof Uint8Array ? recent.get(bytesToHex(blockHash)) : undefined;
      if (!verified) {
        throw new LightClientError(
          'UnknownBlock',
          `block 0x${blockHash instanceof Uint8Array ? bytesToHex(blockHash) : '?'} is not an accepted header`,
        );
      }
      if (!verifyProof(verified.header.stateRoot, key, value, proof)) {
        throw new LightClientError(
          'InvalidProof',
          `storage proof of 0x${bytesToHex(key)} does not match the state root of block ${verified.header.number}`,
          {
            number: verified.header.number,
          },
        );
      }
      return value;
    },
  };
}
