// The rules for an authority set, one function for genesis (a GenesisError naming the entry) and
// for `setAuthorities` (InvalidAuthorities), so the two can never disagree on what a chain may hold.
import { toHex } from '../../codec/bytes.js';
import { MAX_AUTHORITIES } from './types.js';

export interface AuthoritiesProblem {
  /** The offending entry, when the problem is one entry (a duplicate). */
  readonly index?: number;
  readonly problem: string;
}

/** Why `authorities` cannot be the block authorities, or undefined if they can. */
export function findAuthoritiesProblem(authorities: readonly Uint8Array[]): AuthoritiesProblem | undefined {
  // An empty set would let nobody seal the next block: the chain would stop for good.
  if (authorities.length === 0) return { problem: 'at least one authority is needed' };
  if (authorities.length > MAX_AUTHORITIES) {
    return { problem: `at most ${MAX_AUTHORITIES} authorities, got ${authorities.length}` };
  }
  const seen = new Set<string>();
  for (const [index, key] of authorities.entries()) {
    const hex = toHex(key);
    if (seen.has(hex)) return { index, problem: `duplicate authority ${hex}` };
    seen.add(hex);
  }
  return undefined;
}
