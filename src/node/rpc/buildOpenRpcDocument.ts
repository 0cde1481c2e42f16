// The OpenRPC 1.2 document (https://spec.open-rpc.org) served by `rpc.discover`, generated from the
// method table and its zod schemas, so it documents exactly what the server validates and returns.
import { z } from 'zod';
import type { RpcMethod } from './defineMethod.js';

export const RPC_API_VERSION = '0.1.0';

export interface OpenRpcDocument {
  openrpc: string;
  info: { title: string; version: string; description: string };
  methods: {
    name: string;
    summary: string;
    paramStructure: 'either';
    params: { name: string; description: string; required: boolean; schema: unknown }[];
    result: { name: string; description: string; schema: unknown };
    'x-transport': 'any' | 'websocket';
  }[];
}

function jsonSchema(schema: z.ZodType): unknown {
  // `io: 'input'` describes what a caller may send for params; optional params are documented by
  // `required: false`, so unwrap them here.
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  return z.toJSONSchema(inner, { unrepresentable: 'any' });
}

const cache = new WeakMap<readonly RpcMethod[], OpenRpcDocument>();

export function buildOpenRpcDocument(methods: readonly RpcMethod[]): OpenRpcDocument {
  const cached = cache.get(methods);
  if (cached) return cached;
  const document: OpenRpcDocument = {
    openrpc: '1.2.6',
    info: {
      title: 'Phalanx node JSON-RPC',
      version: RPC_API_VERSION,
      description:
        'JSON-RPC 2.0 over HTTP POST and WebSocket on one port. Bytes are 0x-hex, bigints decimal strings. ' +
        'Methods marked x-transport: websocket push notifications and need a WebSocket connection.',
    },
    methods: methods.map((method) => ({
      name: method.name,
      summary: method.summary,
      paramStructure: 'either',
      params: method.params.map((p) => ({
        name: p.name,
        description: p.description,
        required: p.required,
        schema: jsonSchema(p.schema),
      })),
      result: {
        name: method.result.name,
        description: method.result.description,
        schema: jsonSchema(method.result.schema),
      },
      'x-transport': method.transport,
    })),
  };
  cache.set(methods, document);
  return document;
}
