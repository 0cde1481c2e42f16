// The node's own JSON-RPC methods (DESIGN.md section 9): blocks, state, submission, the node itself.
// Runtime modules declare theirs in their `schemas.ts`; the node serves both and documents both in
// `rpc.discover`. Unknown blocks give `null` rather than an error: "not (yet) there" is an answer.
import { z } from 'zod';
import { defineRpcSpec, optionalRpcParam, rpcParam } from './rpcSpec.js';
import {
  AddressInputSchema,
  BlockEventsJsonSchema,
  BlockJsonSchema,
  BlockNumberSchema,
  ChainPropertiesJsonSchema,
  ClusterNodeJsonSchema,
  Hash32InputSchema,
  Hash32Schema,
  HealthJsonSchema,
  HexInputSchema,
  SignedHeaderJsonSchema,
  StorageEntriesJsonSchema,
  StorageJsonSchema,
} from './rpcWire.js';

/** Largest page `state_getKeysPaged` returns, so one request cannot ask for all of state. */
export const MAX_STORAGE_PAGE = 1000;

/** The OpenRPC 1.2 document `rpc.discover` answers with, as far as a client relies on it. */
export const OpenRpcDocumentSchema = z.looseObject({
  openrpc: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  methods: z.array(z.looseObject({ name: z.string(), summary: z.string().optional() })),
});
export type OpenRpcSummary = z.infer<typeof OpenRpcDocumentSchema>;

const hashParam = optionalRpcParam('hash', Hash32InputSchema, 'Block hash; the best block when omitted.');
const subscriptionId = { name: 'subscription', schema: z.string(), description: 'Subscription id.' };
const removed = {
  name: 'removed',
  schema: z.boolean(),
  description: 'False if there was no such subscription.',
};

export const nodeRpc = {
  getHeader: defineRpcSpec({
    name: 'chain_getHeader',
    summary: 'The signed header of a block, or null for an unknown hash.',
    params: [hashParam],
    result: {
      name: 'header',
      schema: SignedHeaderJsonSchema.nullable(),
      description: 'Hash, header, signature.',
    },
  }),
  getBlock: defineRpcSpec({
    name: 'chain_getBlock',
    summary: 'A block, SCALE-encoded and as JSON, with each extrinsic hash and outcome; null if unknown.',
    params: [hashParam],
    result: { name: 'block', schema: BlockJsonSchema.nullable(), description: 'The block.' },
  }),
  getBlockHash: defineRpcSpec({
    name: 'chain_getBlockHash',
    summary: 'The hash of the block at a height (the best block when omitted), or null above the head.',
    params: [optionalRpcParam('number', BlockNumberSchema, 'Block number.')],
    result: { name: 'hash', schema: Hash32Schema.nullable(), description: 'Block hash.' },
  }),
  getEvents: defineRpcSpec({
    name: 'chain_getEvents',
    summary: 'The events a block emitted, or null for an unknown hash.',
    params: [hashParam],
    result: { name: 'events', schema: BlockEventsJsonSchema.nullable(), description: 'Events of the block.' },
  }),
  subscribeNewHeads: defineRpcSpec({
    name: 'chain_subscribeNewHeads',
    summary: 'WebSocket only: notifies `chain_newHead` with { hash, header, signature } for each new block.',
    params: [],
    result: subscriptionId,
    transport: 'websocket',
  }),
  unsubscribeNewHeads: defineRpcSpec({
    name: 'chain_unsubscribeNewHeads',
    summary: 'WebSocket only: ends a `chain_subscribeNewHeads` subscription.',
    params: [rpcParam('subscription', z.string(), 'Subscription id.')],
    result: removed,
    transport: 'websocket',
  }),
  subscribeEvents: defineRpcSpec({
    name: 'chain_subscribeEvents',
    summary: 'WebSocket only: notifies `chain_events` with { blockHash, number, events } for each new block.',
    params: [],
    result: subscriptionId,
    transport: 'websocket',
  }),
  unsubscribeEvents: defineRpcSpec({
    name: 'chain_unsubscribeEvents',
    summary: 'WebSocket only: ends a `chain_subscribeEvents` subscription.',
    params: [rpcParam('subscription', z.string(), 'Subscription id.')],
    result: removed,
    transport: 'websocket',
  }),
  getStorage: defineRpcSpec({
    name: 'state_getStorage',
    summary:
      'A storage value with its Merkle proof against the state root of a block; null if the block is unknown.',
    params: [rpcParam('key', HexInputSchema, 'Storage key.'), hashParam],
    result: {
      name: 'storage',
      schema: StorageJsonSchema.nullable(),
      description: 'Value (null if absent) and proof.',
    },
  }),
  getKeysPaged: defineRpcSpec({
    name: 'state_getKeysPaged',
    summary: 'Storage entries under a key prefix at the best block, in key order, one page at a time.',
    params: [
      rpcParam('prefix', HexInputSchema, 'Key prefix.'),
      rpcParam(
        'limit',
        z.number().int().min(1).max(MAX_STORAGE_PAGE),
        `Page size, at most ${MAX_STORAGE_PAGE}.`,
      ),
      optionalRpcParam('startAfter', HexInputSchema, 'Last key of the previous page.'),
    ],
    result: { name: 'entries', schema: StorageEntriesJsonSchema, description: 'Keys and values.' },
  }),
  submitExtrinsic: defineRpcSpec({
    name: 'author_submitExtrinsic',
    summary:
      'Validates a signed extrinsic and queues it for a block; errors name the invalid-transaction code.',
    params: [rpcParam('extrinsic', HexInputSchema, 'SCALE-encoded signed extrinsic.')],
    result: { name: 'hash', schema: Hash32Schema, description: 'Extrinsic hash.' },
  }),
  health: defineRpcSpec({
    name: 'system_health',
    summary: 'Sync state, peers, pool size and the best block.',
    params: [],
    result: { name: 'health', schema: HealthJsonSchema, description: 'Node health.' },
  }),
  nodes: defineRpcSpec({
    name: 'system_nodes',
    summary:
      'The nodes of the etcd cluster this node belongs to (name, RPC URL, authority key, whether it proposes); empty for other orderings.',
    params: [],
    result: { name: 'nodes', schema: z.array(ClusterNodeJsonSchema), description: 'Cluster nodes.' },
  }),
  chain: defineRpcSpec({
    name: 'system_chain',
    summary: "The chain's name.",
    params: [],
    result: { name: 'chain', schema: z.string(), description: 'Chain name.' },
  }),
  properties: defineRpcSpec({
    name: 'system_properties',
    summary: 'Chain name, genesis hash (signed into every extrinsic) and address prefix.',
    params: [],
    result: { name: 'properties', schema: ChainPropertiesJsonSchema, description: 'Chain properties.' },
  }),
  accountNextIndex: defineRpcSpec({
    name: 'system_accountNextIndex',
    summary:
      "The nonce an account's next extrinsic should carry: its nonce at the best block plus its extrinsics " +
      'queued in this node’s pool right after it (as Substrate’s method of this name).',
    params: [rpcParam('address', AddressInputSchema, 'Account address.')],
    result: { name: 'nonce', schema: z.number().int().min(0), description: 'Next nonce.' },
  }),
  discover: defineRpcSpec({
    name: 'rpc.discover',
    summary: 'This API as an OpenRPC 1.2 document.',
    params: [],
    result: { name: 'openrpc', schema: OpenRpcDocumentSchema, description: 'OpenRPC document.' },
  }),
} as const;
