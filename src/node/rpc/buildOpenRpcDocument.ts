// The OpenRPC 1.2 document (https://spec.open-rpc.org) served by `rpc.discover`, generated from the
// specs of the methods served and their zod schemas, so it documents exactly what the server
// validates and returns, and what the client checks.
import { z } from 'zod';
import type { RpcSpec } from '../../codec/rpcSpec.js';

// 0.2.0: system_accountNextIndex.
export const RPC_API_VERSION = '0.2.0';

// A type rather than an interface, so that it is assignable to the loose schema clients check it with.
export type OpenRpcDocument = {
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
};

function jsonSchema(schema: z.ZodType): unknown {
  // `io: 'input'` describes what a caller may send for params; optional params are documented by
  // `required: false`, so unwrap them here.
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  return z.toJSONSchema(inner, { unrepresentable: 'any' });
}

export function buildOpenRpcDocument(methods: readonly RpcSpec[]): OpenRpcDocument {
  return {
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
}
