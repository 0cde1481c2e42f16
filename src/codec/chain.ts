// The chain's wire formats (DESIGN.md section 2): block headers, blocks, extrinsics and events, and
// the exact bytes that are hashed and signed. Everything that talks to the chain (runtime, node,
// client, worker) speaks these; only the runtime gives the call arguments meaning.
import { concatBytes, utf8 } from './bytes.js';
import { blake2b256, taggedHash } from './hash.js';
import { ed25519Sign, ed25519Verify } from './keys.js';
import {
  Bytes,
  type Codec,
  Hash32,
  Option,
  PublicKey32,
  Signature64,
  Struct,
  str,
  u32,
  u64,
  Vector,
} from './scale.js';

export interface Header {
  parentHash: Uint8Array;
  number: number;
  /** Milliseconds since the Unix epoch, as the block author saw it; the runtime's only clock. */
  timestamp: bigint;
  stateRoot: Uint8Array;
  extrinsicsRoot: Uint8Array;
  eventsRoot: Uint8Array;
  /** The authority that sealed the block (ed25519 public key). */
  author: Uint8Array;
}

export const HeaderCodec: Codec<Header> = Struct({
  parentHash: Hash32,
  number: u32,
  timestamp: u64,
  stateRoot: Hash32,
  extrinsicsRoot: Hash32,
  eventsRoot: Hash32,
  author: PublicKey32,
});

export interface SignedHeader {
  header: Header;
  /** The author's ed25519 signature over `hashHeader(header)`. */
  signature: Uint8Array;
}

export const SignedHeaderCodec: Codec<SignedHeader> = Struct({ header: HeaderCodec, signature: Signature64 });

export interface Block extends SignedHeader {
  /** SCALE-encoded extrinsics, kept as bytes so that their hashes are over exactly what was signed. */
  extrinsics: Uint8Array[];
}

export const BlockCodec: Codec<Block> = Struct({
  header: HeaderCodec,
  signature: Signature64,
  extrinsics: Vector(Bytes()),
});

export function hashHeader(header: Header): Uint8Array {
  return blake2b256(HeaderCodec.enc(header));
}

export function signHeader(header: Header, authoritySeed: Uint8Array): Uint8Array {
  return ed25519Sign(authoritySeed, hashHeader(header));
}

export function verifyHeaderSignature(signed: SignedHeader): boolean {
  return ed25519Verify(signed.header.author, hashHeader(signed.header), signed.signature);
}

// ---- extrinsics ----

export interface Call {
  module: string;
  call: string;
  /** SCALE-encoded arguments; the module's call codec gives them meaning. */
  args: Uint8Array;
}

export const CallCodec: Codec<Call> = Struct({ module: str, call: str, args: Bytes() });

export interface ExtrinsicSignature {
  signer: Uint8Array;
  nonce: number;
  signature: Uint8Array;
}

export interface Extrinsic {
  /** Absent for unsigned extrinsics, which only calls with the `none` origin accept. */
  signature: ExtrinsicSignature | undefined;
  /** Names the chain, so that a transaction cannot be replayed on another chain. */
  genesisHash: Uint8Array;
  call: Call;
}

export const ExtrinsicCodec: Codec<Extrinsic> = Struct({
  signature: Option(Struct({ signer: PublicKey32, nonce: u32, signature: Signature64 })),
  genesisHash: Hash32,
  call: CallCodec,
});

const SigningPayloadCodec = Struct({ genesisHash: Hash32, signer: PublicKey32, nonce: u32, call: CallCodec });

/** The 32 bytes an account signs: a tagged hash of everything in the extrinsic but the signature. */
export function extrinsicSigningPayload(
  genesisHash: Uint8Array,
  signer: Uint8Array,
  nonce: number,
  call: Call,
): Uint8Array {
  return taggedHash('phalanx/extrinsic', SigningPayloadCodec.enc({ genesisHash, signer, nonce, call }));
}

export function signExtrinsic(args: {
  genesisHash: Uint8Array;
  signerSeed: Uint8Array;
  signer: Uint8Array;
  nonce: number;
  call: Call;
}): Uint8Array {
  const payload = extrinsicSigningPayload(args.genesisHash, args.signer, args.nonce, args.call);
  const signature = ed25519Sign(args.signerSeed, payload);
  return ExtrinsicCodec.enc({
    signature: { signer: args.signer, nonce: args.nonce, signature },
    genesisHash: args.genesisHash,
    call: args.call,
  });
}

export function hashExtrinsic(encoded: Uint8Array): Uint8Array {
  return blake2b256(encoded);
}

// ---- events ----

export interface Event {
  /** Index of the extrinsic that emitted it; undefined for block hooks (initialize/finalize). */
  phase: number | undefined;
  module: string;
  name: string;
  /** SCALE-encoded data; the module's event codec gives it meaning. */
  data: Uint8Array;
}

export const EventCodec: Codec<Event> = Struct({ phase: Option(u32), module: str, name: str, data: Bytes() });

// ---- binary Merkle root of a list (extrinsics, events) ----

const LEAF = utf8('phalanx/list-leaf');
const NODE = utf8('phalanx/list-node');
const EMPTY_LIST_ROOT = blake2b256(utf8('phalanx/empty-list'));

/**
 * Root of a list of byte strings: leaves are tagged hashes of the items, parents hash their two
 * children, an odd node is promoted unchanged. Tags keep leaves and inner nodes from colliding.
 */
export function listRoot(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return EMPTY_LIST_ROOT;
  let level = items.map((item) => blake2b256(concatBytes(LEAF, item)));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right ? blake2b256(concatBytes(NODE, level[i]!, right)) : level[i]!);
    }
    level = next;
  }
  return level[0]!;
}
