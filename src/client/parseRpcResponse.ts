// Turns one JSON-RPC response object into its result, or the RpcError the server described; the
// same on both transports.
import { RpcError } from '../codec/errors.js';

export function parseRpcResponse(method: string, response: unknown): unknown {
  if (typeof response !== 'object' || response === null) {
    throw new RpcError(
      -32603,
      'InvalidResponse',
      `${method}: the server answered with something that is not JSON-RPC`,
    );
  }
  const { result, error } = response as { result?: unknown; error?: unknown };
  if (error !== undefined) {
    const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
    const { code: name, details } = (typeof data === 'object' && data !== null ? data : {}) as {
      code?: unknown;
      details?: unknown;
    };
    throw new RpcError(
      typeof code === 'number' ? code : -32603,
      typeof name === 'string' ? name : rpcCodeName(typeof code === 'number' ? code : -32603),
      typeof message === 'string' ? message : `${method} failed`,
      typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {},
    );
  }
  if (!('result' in (response as object))) {
    throw new RpcError(-32603, 'InvalidResponse', `${method}: the response has neither result nor error`);
  }
  return result;
}

const NAMES: Record<number, string> = {
  [-32700]: 'ParseError',
  [-32600]: 'InvalidRequest',
  [-32601]: 'MethodNotFound',
  [-32602]: 'InvalidParams',
  [-32603]: 'InternalError',
};

function rpcCodeName(code: number): string {
  return NAMES[code] ?? 'RpcError';
}
