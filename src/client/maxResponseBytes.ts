// How much of a node's answer a client reads before giving up. The node is outside the client's trust
// boundary (the worker's host talks to whatever node it is given), so without a cap one endless
// response fills the worker's memory. Both transports take the same options.
import { RpcError } from '../codec/errors.js';

/** The cap for any answer not named in `BLOCK_RESPONSE_LIMITS`: far above a page of workers or a proof. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * Answers that carry a whole block get more room. A node builds blocks of at most 4 MiB of
 * extrinsics (`maxBlockBytes` in src/node/createChain.ts), sent as 0x-hex (8 MiB) with a receipt per
 * extrinsic; the events of such a block are of the same order. The worker fetches every block body
 * (src/worker/host/followChain.ts), so these caps must stay above the largest valid block.
 */
export const BLOCK_RESPONSE_LIMITS: Readonly<Record<string, number>> = {
  chain_getBlock: 16 * 1024 * 1024,
  chain_getEvents: 16 * 1024 * 1024,
};

export interface ResponseLimitOptions {
  /** Largest answer accepted, in bytes, for methods without their own entry (default 4 MiB). */
  maxResponseBytes?: number;
  /** Per-method caps that replace `maxResponseBytes` (default `BLOCK_RESPONSE_LIMITS`). */
  maxResponseBytesByMethod?: Readonly<Record<string, number>>;
}

function checkedLimit(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RpcError(-32602, 'InvalidOption', `${what} must be a positive integer, got ${value}`);
  }
  return value;
}

/** The cap for `method`'s answer under `options`. */
export function maxResponseBytes(method: string, options: ResponseLimitOptions = {}): number {
  const byMethod = options.maxResponseBytesByMethod ?? BLOCK_RESPONSE_LIMITS;
  const own = Object.hasOwn(byMethod, method) ? byMethod[method] : undefined;
  if (own !== undefined) return checkedLimit(own, `maxResponseBytesByMethod.${method}`);
  return checkedLimit(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, 'maxResponseBytes');
}

/** The largest answer any method may get: a WebSocket, which cannot tell answers apart before reading them, caps every message at it. */
export function largestResponseBytes(options: ResponseLimitOptions = {}): number {
  const byMethod = options.maxResponseBytesByMethod ?? BLOCK_RESPONSE_LIMITS;
  const base = checkedLimit(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, 'maxResponseBytes');
  return Math.max(base, ...Object.keys(byMethod).map((method) => maxResponseBytes(method, options)));
}

/**
 * The typed refusal of an answer past its cap; `received` is how many bytes were read when it was
 * given up, where the transport knows (a WebSocket refuses from the frame header, unread).
 */
export function responseTooLarge(url: string, what: string, limit: number, received?: number): RpcError {
  return new RpcError(-32603, 'ResponseTooLarge', `${what}: the answer from ${url} exceeds ${limit} bytes`, {
    url,
    limit,
    ...(received === undefined ? {} : { received }),
  });
}
