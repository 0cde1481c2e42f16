// gatekeeper: its JSON-RPC methods as the node serves them and the client calls them (specs and
// result shapes). Shared with the client and the worker: imports only src/codec.
import { z } from 'zod';
import { defineRpcSpec } from '../../codec/rpcSpec.js';
import { Hash32Schema } from '../../codec/rpcWire.js';

export const GatekeepersJsonSchema = z.object({
  /** Gatekeeper identity pubkeys, in the order governance added them. */
  gatekeepers: z.array(Hash32Schema),
  /** The network master public key; null until the first gatekeeper publishes it. */
  masterPubkey: Hash32Schema.nullable(),
});
export type GatekeepersJson = z.infer<typeof GatekeepersJsonSchema>;

export const gatekeeperRpc = {
  getGatekeepers: defineRpcSpec({
    name: 'gatekeeper_getGatekeepers',
    summary: 'The gatekeeper set at the best block and the network master public key (null until published).',
    params: [],
    result: {
      name: 'gatekeepers',
      schema: GatekeepersJsonSchema,
      description: 'Gatekeepers and master key.',
    },
  }),
} as const;
