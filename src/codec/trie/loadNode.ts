import { bytesToHex } from '../bytes.js';
import { TrieError } from './errors.js';
import { decodeNode, type NodeStore, type TrieNode } from './trieNode.js';

/** Reads a node that the tree says exists; a missing or malformed one means a damaged store. */
export function loadNode(store: NodeStore, hash: Uint8Array, version: number | undefined): TrieNode {
  const bytes = store.get(hash, version);
  if (bytes === undefined) {
    throw new TrieError('MissingTrieNode', `trie node ${bytesToHex(hash)} is not in the node store`, {
      hash: bytesToHex(hash),
    });
  }
  const node = decodeNode(bytes);
  if (node === undefined) {
    throw new TrieError('MalformedTrieNode', `trie node ${bytesToHex(hash)} does not decode`, {
      hash: bytesToHex(hash),
    });
  }
  return node;
}
