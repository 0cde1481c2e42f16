// gatekeeper: SCALE codecs of its calls, events and storage values, the messages the master key
// signs, and call builders. Imports only src/codec (clients and gatekeepers build calls with it).
import type { Call } from '../../codec/chain.js';
import { taggedHash } from '../../codec/hash.js';
import {
  Bytes,
  type CodecType,
  Hash32,
  PublicKey32,
  Signature64,
  Struct,
  str,
  u64,
} from '../../codec/scale.js';

export const GATEKEEPER = 'gatekeeper' as const;

/** At most this many gatekeepers: the set is one storage value, read whole. */
export const MAX_GATEKEEPERS = 32;
/** Bounds of an encrypted key box (ephemeral key, nonce, ciphertext, tag): a 32-byte key fits. */
export const MIN_ENCRYPTED_KEY_BYTES = 32 + 12 + 16 + 1;
export const MAX_ENCRYPTED_KEY_BYTES = 1024;

/** HKDF `info` of the box that carries the master key to another gatekeeper (encryptToX25519). */
export const MASTER_KEY_BOX_INFO = 'phalanx/gatekeeper/master-key';
/** HKDF `info` of the box that carries the network key to a provisioned worker (encryptToX25519). */
export const NETWORK_KEY_BOX_INFO = 'phalanx/gatekeeper/network-key';

/**
 * A master-signed message's sequence number names the block it was made at (its high 32 bits; the
 * low 32 tell apart messages made at that block), and the chain accepts it only up to this many
 * blocks after that one. So a used number may leave the chain's set once its window has passed: a
 * replay after that is refused as outside its window, never accepted again. A constant, not a
 * governance parameter: widening the window would reopen numbers already pruned.
 */
export const SEQUENCE_WINDOW_BLOCKS = 600;

const U32_LIMIT = 2 ** 32;

/** The sequence number of a message made at block `madeAt`, told apart from others there by `tag`. */
export function sequenceNumber(madeAt: number, tag: number): bigint {
  if (!Number.isInteger(madeAt) || madeAt < 0 || madeAt >= U32_LIMIT)
    throw new RangeError(`sequence block ${madeAt} is not a u32`);
  if (!Number.isInteger(tag) || tag < 0 || tag >= U32_LIMIT)
    throw new RangeError(`sequence tag ${tag} is not a u32`);
  return (BigInt(madeAt) << 32n) | BigInt(tag);
}

/** The block a sequence number says its message was made at. */
export function sequenceMadeAt(seq: bigint): number {
  return Number((seq >> 32n) & 0xffff_ffffn);
}

/** Whether a message made with `seq` may still be accepted in block `blockNumber`. */
export function isSequenceInWindow(seq: bigint, blockNumber: number): boolean {
  const madeAt = sequenceMadeAt(seq);
  return madeAt <= blockNumber && blockNumber - madeAt <= SEQUENCE_WINDOW_BLOCKS;
}

export const EncryptedKeyCodec = Struct({ encryptedKey: Bytes(), seq: u64 });
export type EncryptedKey = CodecType<typeof EncryptedKeyCodec>;

export const GatekeeperArgs = Struct({ gatekeeper: PublicKey32 });
export const SetMasterPubkeyArgs = Struct({
  gatekeeper: PublicKey32,
  masterPubkey: PublicKey32,
  /** The gatekeeper identity key's signature over `setMasterPubkeyPayload(...)`. */
  signature: Signature64,
});
export type SetMasterPubkeyArgs = CodecType<typeof SetMasterPubkeyArgs>;
export const ShareMasterKeyArgs = Struct({
  target: PublicKey32,
  encryptedKey: Bytes(),
  seq: u64,
  /** The master key's signature over `shareMasterKeyPayload(...)`. */
  masterSignature: Signature64,
});
export type ShareMasterKeyArgs = CodecType<typeof ShareMasterKeyArgs>;
export const ProvisionArgs = Struct({
  worker: PublicKey32,
  encryptedKey: Bytes(),
  seq: u64,
  /** The master key's signature over `provisionPayload(...)`. */
  masterSignature: Signature64,
});
export type ProvisionArgs = CodecType<typeof ProvisionArgs>;

export const gatekeeperEventCodecs = {
  GatekeeperAdded: Struct({ gatekeeper: PublicKey32 }),
  GatekeeperRemoved: Struct({ gatekeeper: PublicKey32 }),
  /** The first gatekeeper published the network master public key. */
  MasterPubkeySet: Struct({ gatekeeper: PublicKey32, masterPubkey: PublicKey32 }),
  /** The master key, encrypted to `target`'s ECDH key, for it to pick up. */
  MasterKeyShared: Struct({ target: PublicKey32, encryptedKey: Bytes(), seq: u64 }),
  /** `worker` is Provisioned; `encryptedKey` is the network key encrypted to its ECDH key. */
  WorkerProvisioned: Struct({ worker: PublicKey32, encryptedKey: Bytes(), seq: u64 }),
};

export type GatekeeperEventData = {
  [K in keyof typeof gatekeeperEventCodecs]: CodecType<(typeof gatekeeperEventCodecs)[K]>;
};

// Every message signed outside an extrinsic names the chain, its action and its subject, so that a
// signature is good for exactly one use on one chain.
const GatekeeperMessage = Struct({
  genesisHash: Hash32,
  action: str,
  subject: PublicKey32,
  payload: Bytes(),
  seq: u64,
});
const MESSAGE_TAG = 'phalanx/gatekeeper';

function messageHash(
  genesisHash: Uint8Array,
  action: string,
  subject: Uint8Array,
  payload: Uint8Array,
  seq: bigint,
) {
  return taggedHash(MESSAGE_TAG, GatekeeperMessage.enc({ genesisHash, action, subject, payload, seq }));
}

/** Signed by the MASTER key: provision `worker` with `encryptedKey` (sequence `seq`). */
export function provisionPayload(
  genesisHash: Uint8Array,
  worker: Uint8Array,
  encryptedKey: Uint8Array,
  seq: bigint,
): Uint8Array {
  return messageHash(genesisHash, 'provision', worker, encryptedKey, seq);
}

/** Signed by the MASTER key: hand the master key, encrypted to `target`, to that gatekeeper. */
export function shareMasterKeyPayload(
  genesisHash: Uint8Array,
  target: Uint8Array,
  encryptedKey: Uint8Array,
  seq: bigint,
): Uint8Array {
  return messageHash(genesisHash, 'shareMasterKey', target, encryptedKey, seq);
}

/** Signed by the GATEKEEPER identity key: it publishes `masterPubkey` as the network master key. */
export function setMasterPubkeyPayload(
  genesisHash: Uint8Array,
  gatekeeper: Uint8Array,
  masterPubkey: Uint8Array,
): Uint8Array {
  return messageHash(genesisHash, 'setMasterPubkey', gatekeeper, masterPubkey, 0n);
}

export const gatekeeperCalls = {
  /** Governance origin: adds a registered worker to the gatekeeper set. */
  addGatekeeper: (gatekeeper: Uint8Array): Call => ({
    module: GATEKEEPER,
    call: 'addGatekeeper',
    args: GatekeeperArgs.enc({ gatekeeper }),
  }),
  /** Governance origin: removes a gatekeeper. */
  removeGatekeeper: (gatekeeper: Uint8Array): Call => ({
    module: GATEKEEPER,
    call: 'removeGatekeeper',
    args: GatekeeperArgs.enc({ gatekeeper }),
  }),
  /** Signed by anyone, carrying the gatekeeper's signature: publishes the master public key once. */
  setMasterPubkey: (args: SetMasterPubkeyArgs): Call => ({
    module: GATEKEEPER,
    call: 'setMasterPubkey',
    args: SetMasterPubkeyArgs.enc(args),
  }),
  /** Signed by anyone, carrying the master signature. */
  shareMasterKey: (args: ShareMasterKeyArgs): Call => ({
    module: GATEKEEPER,
    call: 'shareMasterKey',
    args: ShareMasterKeyArgs.enc(args),
  }),
  /** Signed by anyone, carrying the master signature. */
  provision: (args: ProvisionArgs): Call => ({
    module: GATEKEEPER,
    call: 'provision',
    args: ProvisionArgs.enc(args),
  }),
};
