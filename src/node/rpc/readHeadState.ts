// A StateReader over the best block's state without proofs, for the RPC's decoded views (workers,
// policy, gatekeepers). `getStorage` builds a Merkle proof for every read, which a listing of a
// hundred workers would pay two hundred times and then throw away; an exact-key read is instead
// the first entry of a one-entry prefix scan: a key sorts before every longer key it prefixes, so
// the first entry under `key` is `key` itself exactly when it is present.
import { equalBytes } from '../../codec/bytes.js';
import type { StateReader } from '../../runtime/api.js';
import type { ChainService } from '../chainService.js';

export function readHeadState(chain: ChainService): StateReader {
  return {
    get(key) {
      const first = chain.listStorage(key, undefined, 1)[0];
      return first !== undefined && equalBytes(first.key, key) ? first.value : undefined;
    },
  };
}
