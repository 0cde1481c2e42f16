// Node format and hashing of the state trie: a compressed binary Merkle trie over 256-bit paths
// (path = BLAKE2b-256 of the storage key). A subtree holding a single leaf *is* that leaf
// ("shortcut leaf"), so the depth is about log2(number of keys) and never a full 256 levels.
//
//   empty subtree  = 32 zero bytes (never stored)
//   leaf hash      = H(0x00 || path || H(value))   stored as 0x00 || path || value
//   internal hash  = H(0x01 || left || right)      stored as 0x01 || left || right
//
// The leading byte separates leaves from inner nodes, so one can never be passed off as the
// other. Nodes are content-addressed by their hash; old nodes are never rewritten, so every past
// root stays readable and provable.
//
// A store may keep nodes under (version, hash) rather than hash alone, so that the nodes one block
// writes sit together on disk instead of at random places (see src/node/store/createTrieNodeStore).
// It then stores an internal node with the versions its children were written at,
//   0x01 || left || right || u32 BE leftVersion || u32 BE rightVersion
// and the trie passes a child's version back when it reads the child. Hashes never cover versions:
// the same contents give the same root in every store.
import { blake2b256 } from '../hash.js';

export const HASH_LENGTH = 32;
export const EMPTY_ROOT: Uint8Array = new Uint8Array(HASH_LENGTH);

const LEAF_TAG = 0x00;
const INTERNAL_TAG = 0x01;
const INTERNAL_LENGTH = 1 + 2 * HASH_LENGTH;

/** Read access to stored nodes by hash; the node store and the light client both implement it. */
export interface NodeStore {
  /**
   * `version` is the one the node's parent recorded for it (undefined for a root, or when the
   * parent carries none); a store keyed by hash alone ignores it.
   */
  get(hash: Uint8Array, version?: number): Uint8Array | undefined;
  /**
   * Versioned stores only: the version the root `hash` is stored at. An update that keeps the old
   * root (or, when it is a leaf, moves it down a level) must record where it already lives.
   */
  rootVersion?(hash: Uint8Array): number | undefined;
}

export type TrieNode =
  | { kind: 'leaf'; path: Uint8Array; value: Uint8Array }
  | {
      kind: 'internal';
      left: Uint8Array;
      right: Uint8Array;
      /** Where a versioned store keeps the children; undefined in the plain encoding. */
      leftVersion: number | undefined;
      rightVersion: number | undefined;
    };

/** Largest version a versioned store can record (u32). */
export const MAX_NODE_VERSION = 0xffffffff;

export function keyPath(key: Uint8Array): Uint8Array {
  return blake2b256(key);
}

/** Bit `index` (0 = most significant bit of byte 0) of a 256-bit path: 0 goes left, 1 right. */
export function pathBit(path: Uint8Array, index: number): number {
  return ((path[index >> 3] ?? 0) >> (7 - (index & 7))) & 1;
}

export function isEmptyHash(hash: Uint8Array): boolean {
  for (let i = 0; i < hash.length; i++) if (hash[i] !== 0) return false;
  return hash.length === HASH_LENGTH;
}

// One scratch buffer for the 65-byte preimages: hashing is the hot loop of a block commit.
const scratch = new Uint8Array(1 + 2 * HASH_LENGTH);

export function hashLeaf(path: Uint8Array, valueHash: Uint8Array): Uint8Array {
  scratch[0] = LEAF_TAG;
  scratch.set(path, 1);
  scratch.set(valueHash, 1 + HASH_LENGTH);
  return blake2b256(scratch);
}

export function hashInternal(left: Uint8Array, right: Uint8Array): Uint8Array {
  scratch[0] = INTERNAL_TAG;
  scratch.set(left, 1);
  scratch.set(right, 1 + HASH_LENGTH);
  return blake2b256(scratch);
}

export function encodeLeaf(path: Uint8Array, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + HASH_LENGTH + value.length);
  out[0] = LEAF_TAG;
  out.set(path, 1);
  out.set(value, 1 + HASH_LENGTH);
  return out;
}

export function encodeInternal(left: Uint8Array, right: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + 2 * HASH_LENGTH);
  out[0] = INTERNAL_TAG;
  out.set(left, 1);
  out.set(right, 1 + HASH_LENGTH);
  return out;
}

/** The stored form of an internal node in a versioned store (see the top of this file). */
export function encodeVersionedInternal(
  left: Uint8Array,
  right: Uint8Array,
  leftVersion: number,
  rightVersion: number,
): Uint8Array {
  const out = new Uint8Array(INTERNAL_LENGTH + 8);
  out[0] = INTERNAL_TAG;
  out.set(left, 1);
  out.set(right, 1 + HASH_LENGTH);
  const view = new DataView(out.buffer);
  view.setUint32(INTERNAL_LENGTH, leftVersion);
  view.setUint32(INTERNAL_LENGTH + 4, rightVersion);
  return out;
}

/** Undefined for bytes that are not a node (the caller decides whether that is corruption). */
export function decodeNode(bytes: Uint8Array): TrieNode | undefined {
  if (bytes[0] === LEAF_TAG && bytes.length >= 1 + HASH_LENGTH) {
    return {
      kind: 'leaf',
      path: bytes.subarray(1, 1 + HASH_LENGTH),
      value: bytes.subarray(1 + HASH_LENGTH),
    };
  }
  if (
    bytes[0] === INTERNAL_TAG &&
    (bytes.length === INTERNAL_LENGTH || bytes.length === INTERNAL_LENGTH + 8)
  ) {
    const versioned = bytes.length !== INTERNAL_LENGTH;
    const view = versioned ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined;
    return {
      kind: 'internal',
      left: bytes.subarray(1, 1 + HASH_LENGTH),
      right: bytes.subarray(1 + HASH_LENGTH, INTERNAL_LENGTH),
      leftVersion: view?.getUint32(INTERNAL_LENGTH),
      rightVersion: view?.getUint32(INTERNAL_LENGTH + 4),
    };
  }
  return undefined;
}
