// contracts: its JSON-RPC methods as the node serves them and the client calls them (specs and
// result shapes). Shared with the client and the worker: imports only src/codec.
import { z } from 'zod';
import { defineRpcSpec, optionalRpcParam } from '../../codec/rpcSpec.js';
import { BlockNumberSchema, DecimalSchema, Hash32Schema } from '../../codec/rpcWire.js';

export const AssignmentJsonSchema = z.object({
  contract: z.number().int().min(0),
  /** Owner address (phx1...). */
  owner: z.string(),
  codeHash: Hash32Schema,
  replicas: z.number().int().min(1),
  deposit: DecimalSchema,
  deployedAt: BlockNumberSchema,
  /** Workers holding it now (fewer than `replicas` while understaffed). */
  workers: z.array(Hash32Schema),
});
export type AssignmentJson = z.infer<typeof AssignmentJsonSchema>;

/** Most contracts one `contracts_getAssignments` answer lists. */
export const MAX_ASSIGNMENT_LIST = 500;

export const contractsRpc = {
  getAssignments: defineRpcSpec({
    name: 'contracts_getAssignments',
    summary: `The workers holding a contract, or (no id) the first ${MAX_ASSIGNMENT_LIST} contracts and theirs, at the best block.`,
    params: [optionalRpcParam('contractId', z.number().int().min(0).max(0xffff_ffff), 'Contract id.')],
    result: {
      name: 'assignments',
      schema: z.array(AssignmentJsonSchema),
      description: 'Contracts with their holders (empty if the id is unknown).',
    },
  }),
} as const;
