// The order in which TCB levels are matched, which is Intel's and not the JSON's. Intel's QVL keeps a
// TCB info's levels in a std::set ordered by TcbLevel::operator> (AttestationParsers TcbLevel.cpp):
// the 16 SGX TCB components compared as a sequence (component 01 first), then PCESVN, and in a TDX
// TCB info (v3, id "TDX") the 16 TDX components when both of those are equal; highest first. A TDX
// module identity's levels are ordered by ISVSVN, highest first (TdxModuleTcbLevel.cpp). Matching
// takes the first level the platform meets in that order (TcbLevelCheck.cpp), so two TCB infos that
// list the same levels in different orders give the same status. Two levels equal under the order are
// one set element twice: QVL refuses them ("Detected duplicated TCB levels"), and so does this.
import { AttestationError } from '../errors.js';

/** What ordering reads of a TCB level: parseTcbInfo's TcbLevel, declared apart to keep imports acyclic. */
export interface OrderedTcbLevel {
  readonly sgxComponents: readonly number[];
  readonly pceSvn: number;
  readonly tdxComponents?: readonly number[];
}

function compareSequences(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Negative when `a` is matched before `b` (a is the higher level), zero when they are duplicates. */
export function compareTcbLevels(a: OrderedTcbLevel, b: OrderedTcbLevel, isTdx: boolean): number {
  const sgx = compareSequences(b.sgxComponents, a.sgxComponents);
  if (sgx !== 0) return sgx;
  if (a.pceSvn !== b.pceSvn) return b.pceSvn - a.pceSvn;
  return isTdx ? compareSequences(b.tdxComponents ?? [], a.tdxComponents ?? []) : 0;
}

function duplicate(what: string): AttestationError {
  return new AttestationError('TcbInfoInvalid', `TCB info lists the same ${what} twice`, {});
}

/** The levels in Intel's matching order; throws TcbInfoInvalid on a duplicate level. */
export function orderTcbLevels<T extends OrderedTcbLevel>(levels: readonly T[], isTdx: boolean): T[] {
  const ordered = [...levels].sort((a, b) => compareTcbLevels(a, b, isTdx));
  for (let i = 1; i < ordered.length; i++) {
    if (compareTcbLevels(ordered[i - 1]!, ordered[i]!, isTdx) === 0) throw duplicate('TCB level');
  }
  return ordered;
}

/** A TDX module identity's levels by ISVSVN, highest first; throws TcbInfoInvalid on a duplicate. */
export function orderModuleTcbLevels<T extends { readonly isvSvn: number }>(levels: readonly T[]): T[] {
  const ordered = [...levels].sort((a, b) => b.isvSvn - a.isvSvn);
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i - 1]!.isvSvn === ordered[i]!.isvSvn) throw duplicate('TDX module TCB level');
  }
  return ordered;
}
