// Dispatch errors (STYLE.md, "Errors"; cosmos-sdk anchor): each module declares its errors as an
// append-only list, and an error's code is its index in that list. The codes are part of consensus
// (they are in `system.ExtrinsicFailed` events, hence in every node's events root), so a name may be
// added at the end but never moved or removed.
//
// A call fails only through `ensure(condition, Errors.X)` or `fail(Errors.X)`, which throw a
// DispatchError. The dispatcher always catches it, reverts the call's overlay and records the error;
// it never leaves the runtime. Any other exception thrown by runtime code is a bug and propagates.

export interface DispatchErrorInfo {
  readonly module: string;
  readonly error: string;
  readonly code: number;
}

export class DispatchError extends Error {
  readonly info: DispatchErrorInfo;

  constructor(info: DispatchErrorInfo) {
    super(`${info.module}.${info.error}`);
    this.name = 'DispatchError';
    this.info = info;
  }
}

export type ErrorSet<Names extends string> = { readonly [K in Names]: DispatchErrorInfo };

/** `defineErrors('balances', ['InsufficientBalance', ...])`: code = index in the list. */
export function defineErrors<const Names extends readonly string[]>(
  module: string,
  names: Names,
): ErrorSet<Names[number]> {
  const set: Record<string, DispatchErrorInfo> = {};
  names.forEach((error, code) => {
    if (error in set) throw new Error(`duplicate error ${module}.${error}`);
    set[error] = Object.freeze({ module, error, code });
  });
  return Object.freeze(set) as ErrorSet<Names[number]>;
}

/** The errors of a set in code order (for a module's registration and the error catalogue). */
export function listErrors(set: ErrorSet<string>): DispatchErrorInfo[] {
  return Object.values(set).sort((a, b) => a.code - b.code);
}

export function fail(error: DispatchErrorInfo): never {
  throw new DispatchError(error);
}

export function ensure(condition: unknown, error: DispatchErrorInfo): asserts condition {
  if (!condition) throw new DispatchError(error);
}
