// A NodeStore in memory: for tests, benchmarks and the worker's light client, which keeps only the
// nodes it was given.
import type { NodeStore } from './trieNode.js';

export interface MemoryNodeStore extends NodeStore {
  put(hash: Uint8Array, bytes: Uint8Array): void;
  readonly size: number;
}

export function createMemoryNodeStore(): MemoryNodeStore {
  const nodes = new Map<string, Uint8Array>();
  const id = (hash: Uint8Array): string =>
    Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1');
  return {
    get: (hash) => nodes.get(id(hash)),
    put: (hash, bytes) => {
      nodes.set(id(hash), bytes);
    },
    get size() {
      return nodes.size;
    },
  };
}
