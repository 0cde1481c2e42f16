// BLAKE2b-256 is the chain's one hash (DESIGN.md section 2). Node's OpenSSL only offers the
// 512-bit variant with a fixed length, and BLAKE2b-256 is not a truncation of it (the output
// length is a parameter of the compression), so we use the audited @noble/hashes implementation.
import { blake2b } from '@noble/hashes/blake2.js';
import { concatBytes, utf8 } from './bytes.js';

export function blake2b256(data: Uint8Array): Uint8Array {
  return blake2b(data, { dkLen: 32 });
}

/** Hash of several parts, with a domain-separation tag so that different uses never collide. */
export function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  return blake2b256(concatBytes(utf8(tag), ...parts));
}
