// A trie node that should be in the node store is not: the store is incomplete or corrupted.
// Proof *verification* never throws (it answers false); only reading a tree can fail this way.
import { PhalanxError } from '../errors.js';

export class TrieError extends PhalanxError {}
