// The RPC core: a pure function from a JSON-RPC 2.0 request body to a response body (STYLE.md's
// Hono anchor). Transports (HTTP, WebSocket) only move strings; everything a caller can get wrong is
// answered here with a JSON-RPC error, and nothing a caller sends can throw out of this function.

import { toHex } from '../../codec/bytes.js';
import { CodecError, RpcError } from '../../codec/errors.js';
import { RPC_CODES } from '../../codec/rpcWire.js';
import type { ChainService } from '../chainService.js';
import type { MethodContext, RpcMethod, RpcSession } from './defineMethod.js';
import { rpcMethodsByName } from './rpcMethods.js';

export interface RpcContext {
  /** Most requests one batch may hold. */
  maxBatch: number;
  /** The WebSocket connection's subscriptions; undefined over HTTP. */
  session?: RpcSession;
  /** Told about exceptions that are bugs (answered with -32603), for logging. */
  onInternalError?: (error: unknown, method: string) => void;
}

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
function validateParams(method: RpcMethod, raw: unknown): { values: unknown[] } | { error: string } {
  let given: unknown[];
  if (raw === undefined) given = [];
  else if (Array.isArray(raw)) given = raw;
  else {
    const named = raw as Record<string, unknown>;
    const unknownNames = Object.keys(named).filter((name) => !method.params.some((p) => p.name === name));
    if (unknownNames.length > 0) return { error: `unknown parameter "${unknownNames[0]}"` };
    given = method.params.map((p) => named[p.name]);
  }
  if (given.length > method.params.length) {
    return { error: `${method.name} takes at most ${method.params.length} parameters, got ${given.length}` };
  }
  const values: unknown[] = [];
  for (const [i, p] of method.params.entries()) {
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

  const method = rpcMethodsByName.get(name);
  if (!method)
    return reply(errorResponse(replyId, RPC_CODES.methodNotFound, `method not found: ${name.slice(0, 100)}`));
  if (method.transport === 'websocket' && !ctx.session) {
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

/**
 * Answers one JSON-RPC 2.0 body (a request or a batch). Returns undefined when nothing is to be sent
 * back (only notifications).
 */
export async function handleRpc(
  chain: ChainService,
  body: string,
  ctx: RpcContext,
): Promise<string | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return stringifyJson(errorResponse(null, RPC_CODES.parseError, 'parse error: body is not valid JSON'));
  }
  if (!Array.isArray(parsed)) {
    const response = await handleOne(chain, parsed, ctx);
    return response === undefined ? undefined : stringifyJson(response);
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
  const responses: Response[] = [];
  for (const request of parsed) {
    const response = await handleOne(chain, request, ctx);
    if (response) responses.push(response);
  }
  return responses.length === 0 ? undefined : stringifyJson(responses);
}
