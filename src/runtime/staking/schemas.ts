// staking: its JSON-RPC methods as the node serves them and the client calls them (specs and result
// shapes). Shared with the client and the worker: imports only src/codec.
import { z } from 'zod';
import { defineRpcSpec, rpcParam } from '../../codec/rpcSpec.js';
import { BlockNumberSchema, DecimalSchema, Hash32Schema, PublicKeyInputSchema } from '../../codec/rpcWire.js';

export const StakeJsonSchema = z.object({
  worker: Hash32Schema,
  /** Owner address (phx1...). */
  owner: z.string(),
  active: DecimalSchema,
  unbonding: z.array(z.object({ amount: DecimalSchema, unlockAt: BlockNumberSchema })),
  /** True while the stake backs a session. */
  locked: z.boolean(),
  minStake: DecimalSchema,
});
export type StakeJson = z.infer<typeof StakeJsonSchema>;

export const stakingRpc = {
  getStake: defineRpcSpec({
    name: 'staking_getStake',
    summary: "A worker's stake at the best block (null if it has none), with the chain's minStake.",
    params: [rpcParam('worker', PublicKeyInputSchema, 'Worker identity pubkey (0x-hex).')],
    result: { name: 'stake', schema: StakeJsonSchema.nullable(), description: 'Stake or null.' },
  }),
} as const;
