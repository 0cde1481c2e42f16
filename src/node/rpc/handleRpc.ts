// The RPC core: a pure function from a JSON-RPC 2.0 request body to a response body (STYLE.md's
// Hono anchor). Transports (HTTP, WebSocket) only move strings; everything a caller can get wrong is
// answered here with a JSON-RPC error, and nothing a caller sends can throw out of this function.

import { toHex } from '../../codec/bytes.js';
import { CodecError, RpcError } from '../../codec/errors.js';
import { nodeRpc } from '../../codec/nodeRpc.js';
import { RPC_CODES } from '../../codec/rpcWire.js';
import type { ChainService } from '../chainService.js';
import type { MethodContext, RpcMethod, RpcMethodTable, RpcSession } from './methodContext.js';
import { defaultRpcMethods } from './rpcMethods.js';

export interface RpcContext {
  /** Most requests one batch may hold. */
  maxBatch: number;
  /** Largest serialized response to one request, in bytes (default `RESPONSE_LIMITS`). */
  maxResponseBytes?: number;
  /** Largest serialized answer to a whole batch, in bytes (default `RESPONSE_LIMITS`). */
  maxBatchResponseBytes?: number;
  /** The WebSocket connection's subscriptions; undefined over HTTP. */
  session?: RpcSession;
  /** Told about exceptions that are bugs (answered with -32603), for logging. */
  onInternalError?: (error: unknown, method: string) => void;
  /** The methods served (default: the node's and the Phalanx runtime modules', `defaultRpcMethods`). */
  methods?: RpcMethodTable;
}

/**
 * A 4 MB block is about 8.4 MB of JSON (hex doubles it), and a follower must be able to fetch one
 * (its client accepts 16 MB): both limits sit above that, and far below what 100 such blocks in one
 * batch would cost.
 */
export const RESPONSE_LIMITS = {
  maxResponseBytes: 16 * 1024 * 1024,
  maxBatchResponseBytes: 16 * 1024 * 1024,
} as const;

type Id = string | number | null;

interface ErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

type Response = { jsonrpc: '2.0'; id: Id; result: unknown } | { jsonrpc: '2.0'; id: Id; error: ErrorObject };

function errorResponse(id: Id, code: number, message: string, data?: unknown): Response {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}

/** JSON that never throws on the values chain errors carry in `details`. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return toHex(v);
    return v;
  });
}

function isId(value: unknown): value is Id {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Positional or named params -> positional, validated against the method's schemas. */
function validateParams({ spec }: RpcMethod, raw: unknown): { values: unknown[] } | { error: string } {
  let given: unknown[];
  if (raw === undefined) given = [];
  else if (Array.isArray(raw)) given = raw;
  else {
    const named = raw as Record<string, unknown>;
    const unknownNames = Object.keys(named).filter((name) => !spec.params.some((p) => p.name === name));
    if (unknownNames.length > 0) return { error: `unknown parameter "${unknownNames[0]}"` };
    given = spec.params.map((p) => named[p.name]);
  }
  if (given.length > spec.params.length) {
    return { error: `${spec.name} takes at most ${spec.params.length} parameters, got ${given.length}` };
  }
  const values: unknown[] = [];
  for (const [i, p] of spec.params.entries()) {
    // Many clients send null for an omitted optional parameter.
    const value = given[i] === null && !p.required ? undefined : given[i];
    if (value === undefined && p.required) return { error: `missing parameter "${p.name}"` };
    const parsed = p.schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { error: `parameter "${p.name}": ${issue?.message ?? 'invalid'}` };
    }
    values.push(parsed.data);
  }
  return { values };
}

async function handleOne(
  chain: ChainService,
  request: unknown,
  ctx: RpcContext,
): Promise<Response | undefined> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return errorResponse(null, RPC_CODES.invalidRequest, 'invalid request: expected a JSON-RPC 2.0 object');
  }
  const { jsonrpc, method: name, params, id } = request as Record<string, unknown>;
  const hasId = 'id' in request;
  const replyId: Id = hasId && isId(id) ? id : null;
  if (jsonrpc !== '2.0' || typeof name !== 'string' || (hasId && !isId(id))) {
    return errorResponse(
      replyId,
      RPC_CODES.invalidRequest,
      'invalid request: needs jsonrpc "2.0", a method and a valid id',
    );
  }
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    return errorResponse(
      replyId,
      RPC_CODES.invalidRequest,
      'invalid request: params must be an array or an object',
    );
  }
  // A notification (no id) gets no answer, not even an error (JSON-RPC 2.0 section 4.1).
  const reply = (response: Response): Response | undefined => (hasId ? response : undefined);

  const method = (ctx.methods ?? defaultRpcMethods).get(name);
  if (!method)
    return reply(errorResponse(replyId, RPC_CODES.methodNotFound, `method not found: ${name.slice(0, 100)}`));
  if (method.spec.transport === 'websocket' && !ctx.session) {
    return reply(
      errorResponse(replyId, RPC_CODES.subscriptionsNeedWebSocket, `${name} needs a WebSocket connection`),
    );
  }
  const validated = validateParams(method, params);
  if ('error' in validated) {
    return reply(errorResponse(replyId, RPC_CODES.invalidParams, `invalid params: ${validated.error}`));
  }
  const methodCtx: MethodContext = { chain, session: ctx.session };
  try {
    const result = await method.run(methodCtx, validated.values);
    return reply({ jsonrpc: '2.0', id: replyId, result });
  } catch (error) {
    if (error instanceof RpcError) {
      return reply(
        errorResponse(replyId, error.rpcCode, error.message, { code: error.code, details: error.details }),
      );
    }
    // Bytes that passed the schema but do not decode (a malformed extrinsic, say) are bad params.
    if (error instanceof CodecError) {
      return reply(
        errorResponse(replyId, RPC_CODES.invalidParams, `invalid params: ${error.message}`, {
          code: error.code,
          details: error.details,
        }),
      );
    }
    ctx.onInternalError?.(error, name);
    return reply(errorResponse(replyId, RPC_CODES.internalError, `internal error in ${name}`));
  }
}

function responseTooLarge(id: Id, message: string, details: Record<string, number>): string {
  return stringifyJson(
    errorResponse(id, RPC_CODES.responseTooLarge, message, { code: 'ResponseTooLarge', details }),
  );
}

/** The response, serialized; replaced by a ResponseTooLarge error when it is larger than `max`. */
function serializeBounded(response: Response, max: number): string {
  const text = stringifyJson(response);
  const bytes = Buffer.byteLength(text);
  if (bytes <= max) return text;
  return responseTooLarge(response.id, `response of ${bytes} bytes exceeds ${max}`, { bytes, max });
}

/**
 * The id a request would be answered with, without running it: undefined for a well-formed
 * notification, which is never answered.
 */
function answerIdOf(request: unknown): { id: Id } | undefined {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return { id: null };
  const { jsonrpc, method, id } = request as Record<string, unknown>;
  if (!('id' in request)) return jsonrpc === '2.0' && typeof method === 'string' ? undefined : { id: null };
  return { id: isId(id) ? id : null };
}

/** Lets timers and other sockets run between the entries of a batch (block production among them). */
function isSubmission(request: unknown): boolean {
  return (
    typeof request === 'object' &&
    request !== null &&
    (request as { method?: unknown }).method === nodeRpc.submitExtrinsic.name
  );
}

/** Submissions of one batch started in one turn of the event loop (a few ms of signature checks). */
const SUBMISSIONS_PER_TURN = 16;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolvePromise) => setImmediate(resolvePromise));
}

/**
 * Answers one JSON-RPC 2.0 body (a request or a batch). Returns undefined when nothing is to be sent
 * back (only notifications). The answer is bounded: a response larger than `maxResponseBytes` is
 * replaced by a ResponseTooLarge error, and once a batch's answer passes `maxBatchResponseBytes` the
 * entry that passed it and every later one are answered with that error without being run (later
 * notifications are dropped unrun), so one small request cannot make the node build gigabytes.
 */
export async function handleRpc(
  chain: ChainService,
  body: string,
  ctx: RpcContext,
): Promise<string | undefined> {
  const maxResponseBytes = ctx.maxResponseBytes ?? RESPONSE_LIMITS.maxResponseBytes;
  const maxBatchResponseBytes = ctx.maxBatchResponseBytes ?? RESPONSE_LIMITS.maxBatchResponseBytes;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return stringifyJson(errorResponse(null, RPC_CODES.parseError, 'parse error: body is not valid JSON'));
  }
  if (!Array.isArray(parsed)) {
    const response = await handleOne(chain, parsed, ctx);
    return response === undefined ? undefined : serializeBounded(response, maxResponseBytes);
  }
  if (parsed.length === 0) {
    return stringifyJson(errorResponse(null, RPC_CODES.invalidRequest, 'invalid request: empty batch'));
  }
  if (parsed.length > ctx.maxBatch) {
    return stringifyJson(
      errorResponse(
        null,
        RPC_CODES.invalidRequest,
        `invalid request: batch of ${parsed.length} exceeds ${ctx.maxBatch}`,
        {
          code: 'BatchTooLarge',
          details: { length: parsed.length, max: ctx.maxBatch },
        },
      ),
    );
  }
  // Each entry is serialized as soon as it is answered and counted, so the batch never holds more
  // than its budget plus one response, and the rest is not even computed once the budget is spent.
  const parts: string[] = [];
  let bytes = 2; // the brackets
  let exhausted = false;
  const answer = (response: Response | undefined): void => {
    if (response === undefined) return;
    let text = serializeBounded(response, maxResponseBytes);
    const size = Buffer.byteLength(text) + 1; // and its comma
    if (bytes + size > maxBatchResponseBytes) {
      exhausted = true;
      text = responseTooLarge(response.id, `batch responses exceed ${maxBatchResponseBytes} bytes`, {
        max: maxBatchResponseBytes,
      });
    } else {
      bytes += size;
    }
    parts.push(text);
  };
  let index = 0;
  while (index < parsed.length) {
    if (index > 0) await yieldToEventLoop();
    const request = parsed[index];
    if (exhausted) {
      index++;
      const unanswered = answerIdOf(request);
      if (unanswered === undefined) continue;
      parts.push(
        responseTooLarge(unanswered.id, `batch responses exceed ${maxBatchResponseBytes} bytes`, {
          max: maxBatchResponseBytes,
        }),
      );
      continue;
    }
    // Consecutive submissions are started in order and awaited together: under etcd ordering each
    // one waits for its write to etcd, and the writes of one batch then go out as one transaction.
    // Their answers are hashes, so the budget cannot be overrun by running them ahead of counting.
    // They yield once per SUBMISSIONS_PER_TURN (a signature check each), not after each one, so
    // that the writes started in one turn share a transaction.
    if (isSubmission(request)) {
      const running: Promise<Response | undefined>[] = [];
      while (index < parsed.length && isSubmission(parsed[index])) {
        if (running.length > 0 && running.length % SUBMISSIONS_PER_TURN === 0) await yieldToEventLoop();
        running.push(handleOne(chain, parsed[index], ctx));
        index++;
      }
      for (const response of await Promise.all(running)) answer(response);
      continue;
    }
    index++;
    answer(await handleOne(chain, request, ctx));
  }
  return parts.length === 0 ? undefined : `[${parts.join(',')}]`;
}
