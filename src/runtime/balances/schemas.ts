// balances: its JSON-RPC methods as the node serves them and the client calls them (specs and
// result shapes). Shared with the client and the worker: imports only src/codec.
import { z } from 'zod';
import { defineRpcSpec, rpcParam } from '../../codec/rpcSpec.js';
import { AddressInputSchema, DecimalSchema } from '../../codec/rpcWire.js';

export const AccountJsonSchema = z.object({
  address: z.string(),
  /** The account's nonce at the best block; `system_accountNextIndex` adds what the pool holds. */
  nonce: z.number().int().min(0),
  free: DecimalSchema,
  reserved: DecimalSchema,
});
export type AccountJson = z.infer<typeof AccountJsonSchema>;

export const balancesRpc = {
  getAccount: defineRpcSpec({
    name: 'balances_getAccount',
    summary: "An account's nonce and balances at the best block (zero for an unknown account).",
    params: [rpcParam('address', AddressInputSchema, 'Account address.')],
    result: { name: 'account', schema: AccountJsonSchema, description: 'Account.' },
  }),
} as const;
