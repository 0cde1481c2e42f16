// The one base class of every off-chain error (STYLE.md, "Errors"): a stable `code` to match on,
// `details` with the offending values, and the `cause` that led here. Each domain subclasses it
// (CodecError, AttestationError, RpcError, StoreError, ...). Runtime dispatch errors are not
// exceptions and do not use it (see src/runtime/support/errors.ts).

export class PhalanxError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: string; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Malformed bytes, hex, keys or addresses. */
export class CodecError extends PhalanxError {}

/**
 * A JSON-RPC error, on both sides of the wire: the node throws it, the client rebuilds it from the
 * response. `rpcCode` is the JSON-RPC number (-32700 parse error, -32600 invalid request, -32601
 * method not found, -32602 invalid params, -32603 internal, and 1000+ for Phalanx-specific ones);
 * `code` is our stable name (e.g. 'BadSignature', 'balances.InsufficientBalance').
 */
export class RpcError extends PhalanxError {
  readonly rpcCode: number;

  constructor(
    rpcCode: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(code, message, details, options);
    this.rpcCode = rpcCode;
  }
}
