// Checks a proof from proveKey against a state root. Pure, allocation-light and strict: anything
// malformed (wrong types, lengths, too many levels, a terminal leaf off the key's path) is `false`,
// never an exception, because light clients feed it bytes from an untrusted host.
import { equalBytes } from '../bytes.js';
import { blake2b256 } from '../hash.js';
import { EMPTY_ROOT, HASH_LENGTH, hashInternal, hashLeaf, keyPath, pathBit } from './trieNode.js';

const MAX_DEPTH = 256;

export function verifyProof(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | undefined,
  proof: readonly Uint8Array[],
): boolean {
  try {
    if (!(root instanceof Uint8Array) || root.length !== HASH_LENGTH) return false;
    if (!(key instanceof Uint8Array)) return false;
    if (value !== undefined && !(value instanceof Uint8Array)) return false;
    if (!Array.isArray(proof) || proof.length < 1 || proof.length > MAX_DEPTH + 1) return false;
    const terminal = proof[0];
    if (!(terminal instanceof Uint8Array)) return false;
    const depth = proof.length - 1;
    const path = keyPath(key);

    let hash: Uint8Array;
    if (terminal.length === 0) {
      if (value !== undefined) return false;
      hash = EMPTY_ROOT;
    } else if (terminal.length === 2 * HASH_LENGTH) {
      const leafPath = terminal.subarray(0, HASH_LENGTH);
      const valueHash = terminal.subarray(HASH_LENGTH);
      // The leaf must sit on the key's path down to where it was found ...
      for (let i = 0; i < depth; i++) if (pathBit(leafPath, i) !== pathBit(path, i)) return false;
      if (equalBytes(leafPath, path)) {
        // ... and is then either the key's own leaf (inclusion) ...
        if (value === undefined || !equalBytes(valueHash, blake2b256(value))) return false;
      } else if (value !== undefined) {
        // ... or another key's leaf occupying the whole subtree (exclusion).
        return false;
      }
      hash = hashLeaf(leafPath, valueHash);
    } else {
      return false;
    }

    for (let i = depth - 1; i >= 0; i--) {
      const sibling = proof[i + 1];
      if (!(sibling instanceof Uint8Array) || sibling.length !== HASH_LENGTH) return false;
      hash = pathBit(path, i) === 0 ? hashInternal(hash, sibling) : hashInternal(sibling, hash);
    }
    return equalBytes(hash, root);
  } catch {
    return false;
  }
}
