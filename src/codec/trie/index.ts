export { TrieError } from './errors.js';
export { createMemoryNodeStore, type MemoryNodeStore } from './memoryNodeStore.js';
export { type KeyProof, proveKey, readTrieValue } from './proveKey.js';
export { EMPTY_ROOT, keyPath, type NodeStore } from './trieNode.js';
export { type TrieChange, type TrieUpdate, updateTrie } from './updateTrie.js';
export { verifyProof } from './verifyProof.js';
