// Reads a key from the tree at `root` and proves the answer (present with its value, or absent).
// Proof layout, shared with verifyProof:
//   proof[0]   the terminal: empty (0 bytes) for an empty subtree, or a leaf as path || H(value)
//              (64 bytes); for an absent key that leaf's path differs from the key's
//   proof[1..] the sibling hashes from the root downwards, one per level walked
import { concatBytes, equalBytes } from '../bytes.js';
import { blake2b256 } from '../hash.js';
import { loadNode } from './loadNode.js';
import { isEmptyHash, keyPath, type NodeStore, pathBit } from './trieNode.js';

export interface KeyProof {
  value: Uint8Array | undefined;
  proof: Uint8Array[];
}

export function proveKey(store: NodeStore, root: Uint8Array, key: Uint8Array): KeyProof {
  const path = keyPath(key);
  const siblings: Uint8Array[] = [];
  let hash = root;
  let version: number | undefined;
  for (let depth = 0; ; depth++) {
    if (isEmptyHash(hash)) return { value: undefined, proof: [new Uint8Array(0), ...siblings] };
    const node = loadNode(store, hash, version);
    if (node.kind === 'leaf') {
      const terminal = concatBytes(node.path, blake2b256(node.value));
      const value = equalBytes(node.path, path) ? node.value.slice() : undefined;
      return { value, proof: [terminal, ...siblings] };
    }
    if (pathBit(path, depth) === 0) {
      siblings.push(node.right.slice());
      hash = node.left;
      version = node.leftVersion;
    } else {
      siblings.push(node.left.slice());
      hash = node.right;
      version = node.rightVersion;
    }
  }
}

/** The value of `key` in the tree at `root`, without building a proof. */
export function readTrieValue(store: NodeStore, root: Uint8Array, key: Uint8Array): Uint8Array | undefined {
  const path = keyPath(key);
  let hash = root;
  let version: number | undefined;
  for (let depth = 0; ; depth++) {
    if (isEmptyHash(hash)) return undefined;
    const node = loadNode(store, hash, version);
    if (node.kind === 'leaf') return equalBytes(node.path, path) ? node.value.slice() : undefined;
    const right = pathBit(path, depth) === 1;
    hash = right ? node.right : node.left;
    version = right ? node.rightVersion : node.leftVersion;
  }
}
