// BLAKE2b-256 is the chain's one hash (DESIGN.md section 2). Node's OpenSSL only offers BLAKE2b-512,
// and BLAKE2b-256 is not its truncation (the output length is a parameter of the compression), so we
// use hash-wasm's WebAssembly build: a block commit hashes about fifteen small trie nodes per changed
// key, and there it is ~4x faster than the fastest pure-JS code we measured (bench/hash.bench.ts).
import { createBLAKE2b } from 'hash-wasm';
import { utf8 } from './bytes.js';

// One instance, reset per call: JavaScript runs one call at a time and `digest` is synchronous, so
// calls never interleave.
const hasher = await createBLAKE2b(256);

export function blake2b256(data: Uint8Array): Uint8Array {
  hasher.init();
  hasher.update(data);
  return hasher.digest('binary');
}

/** Hash of several parts, with a domain-separation tag so that different uses never collide. */
export function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  hasher.init();
  hasher.update(utf8(tag));
  for (const part of parts) hasher.update(part);
  return hasher.digest('binary');
}
