export { TrieError } from './errors.js';
export { createMemoryNodeStore, type MemoryNodeStore } from './memoryNodeStore.js';
export { type KeyProof, proveKey, readTrieValue } from './proveKey.js';
export {
  EMPTY_ROOT,
  encodeVersionedInternal,
  keyPath,
  MAX_NODE_VERSION,
  type NodeStore,
} from './trieNode.js';
export { type TrieChange, type TrieNodeWrite, type TrieUpdate, updateTrie } from './updateTrie.js';
export { verifyProof } from './verifyProof.js';
