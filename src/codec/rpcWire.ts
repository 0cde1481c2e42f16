// The JSON-RPC wire format, defined once: the node's RPC server builds these shapes and documents
// them in its OpenRPC document from these schemas, and the client validates every response with
// them (a node is outside the client's trust boundary). Bytes are 0x-hex, bigints decimal strings,
// so that no JSON number ever loses precision. These are the chain's own shapes (blocks, events,
// storage); a runtime module declares the shapes of its views in its `schemas.ts`, beside its specs.
import { z } from 'zod';
import { ADDRESS_PREFIX, decodeAddress, isAddress } from './address.js';
import { hexToBytes } from './bytes.js';

export const HexSchema = z.string().regex(/^0x([0-9a-f]{2})*$/, 'lowercase 0x-prefixed hex');
export const Hash32Schema = z.string().regex(/^0x[0-9a-f]{64}$/, '32-byte 0x-hex hash');
export const DecimalSchema = z.string().regex(/^(0|[1-9][0-9]*)$/, 'unsigned decimal integer string');
export const BlockNumberSchema = z.number().int().min(0).max(0xffff_ffff);
export const Hex48Schema = z.string().regex(/^0x[0-9a-f]{96}$/, '48-byte 0x-hex value');

// Parameters are accepted in either hex case; results are always lowercase.
export const HexInputSchema = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, 'expected 0x-prefixed hex');
export const Hash32InputSchema = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte 0x-hex hash');
export const AddressInputSchema = z.string().refine(isAddress, `expected a ${ADDRESS_PREFIX}1... address`);
/** A 32-byte public key (a worker's identity, an account), as 0x-hex or in its phx1... form. */
export const PublicKeyInputSchema = z
  .string()
  .refine(
    (text) => /^0x[0-9a-fA-F]{64}$/.test(text) || isAddress(text),
    `expected a 32-byte 0x-hex key or a ${ADDRESS_PREFIX}1... address`,
  )
  .transform((text) => (text.startsWith('0x') ? hexToBytes(text) : decodeAddress(text)));

export const HeaderJsonSchema = z.object({
  parentHash: Hash32Schema,
  number: BlockNumberSchema,
  /** Milliseconds since the Unix epoch. */
  timestamp: DecimalSchema,
  stateRoot: Hash32Schema,
  extrinsicsRoot: Hash32Schema,
  eventsRoot: Hash32Schema,
  author: Hash32Schema,
});
export type HeaderJson = z.infer<typeof HeaderJsonSchema>;

export const SignedHeaderJsonSchema = z.object({
  hash: Hash32Schema,
  header: HeaderJsonSchema,
  signature: HexSchema,
});
export type SignedHeaderJson = z.infer<typeof SignedHeaderJsonSchema>;

export const OutcomeJsonSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({
    ok: z.literal(false),
    error: z.object({ module: z.string(), error: z.string(), code: z.number().int() }),
  }),
]);
export type OutcomeJson = z.infer<typeof OutcomeJsonSchema>;

export const BlockJsonSchema = z.object({
  /** The whole block, SCALE-encoded with BlockCodec: what a follower or light client re-checks. */
  block: HexSchema,
  hash: Hash32Schema,
  header: HeaderJsonSchema,
  signature: HexSchema,
  extrinsics: z.array(z.object({ hash: Hash32Schema, outcome: OutcomeJsonSchema.nullable() })),
});
export type BlockJson = z.infer<typeof BlockJsonSchema>;

export const EventJsonSchema = z.object({
  /** Index of the emitting extrinsic in its block; null for block hooks. */
  phase: z.number().int().min(0).nullable(),
  module: z.string(),
  name: z.string(),
  /** SCALE-encoded event data; the module's event codec gives it meaning. */
  data: HexSchema,
  /** The data decoded by the node's runtime (bigints as decimal strings, bytes as 0x-hex); `{ raw }` if unknown. */
  fields: z.record(z.string(), z.unknown()),
});
export type EventJson = z.infer<typeof EventJsonSchema>;

export const BlockEventsJsonSchema = z.object({
  blockHash: Hash32Schema,
  number: BlockNumberSchema,
  events: z.array(EventJsonSchema),
});
export type BlockEventsJson = z.infer<typeof BlockEventsJsonSchema>;

export const StorageJsonSchema = z.object({
  key: HexSchema,
  /** null: the key is absent, and `proof` proves its absence. */
  value: HexSchema.nullable(),
  proof: z.array(HexSchema),
  stateRoot: Hash32Schema,
  blockHash: Hash32Schema,
});
export type StorageJson = z.infer<typeof StorageJsonSchema>;

export const StorageEntriesJsonSchema = z.array(z.object({ key: HexSchema, value: HexSchema }));
export type StorageEntriesJson = z.infer<typeof StorageEntriesJsonSchema>;

export const HealthJsonSchema = z.object({
  /** How this node's blocks are ordered: `solo`, `follower` or `etcd`. */
  ordering: z.enum(['solo', 'follower', 'etcd']),
  /** `proposer` while this node orders blocks (solo always; etcd while it holds the leader key). */
  role: z.enum(['proposer', 'follower']),
  /** Whether the head it has applied is the newest it can know of (etcd: the log's, read recently). */
  inSync: z.boolean(),
  /** etcd: the log's head as this node last read it. */
  logNumber: BlockNumberSchema.optional(),
  /** Why the node stopped following, when it did (a log block it cannot reproduce). */
  halted: z.string().optional(),
  isSyncing: z.boolean(),
  peers: z.number().int().min(0),
  pendingExtrinsics: z.number().int().min(0),
  bestNumber: BlockNumberSchema,
  bestHash: Hash32Schema,
});
export type HealthJson = z.infer<typeof HealthJsonSchema>;

/** A node of an etcd cluster as another node read it from etcd (system_nodes). */
export const ClusterNodeJsonSchema = z.object({
  name: z.string(),
  rpcUrl: z.string().optional(),
  authority: z.string(),
  proposer: z.boolean(),
});
export type ClusterNodeJson = z.infer<typeof ClusterNodeJsonSchema>;

export const ChainPropertiesJsonSchema = z.object({
  chain: z.string(),
  genesisHash: Hash32Schema,
  addressPrefix: z.string(),
});
export type ChainPropertiesJson = z.infer<typeof ChainPropertiesJsonSchema>;

/** Subscription notifications: `{ jsonrpc, method, params: { subscription, result } }`. */
export const SUBSCRIPTIONS = {
  newHeads: {
    subscribe: 'chain_subscribeNewHeads',
    unsubscribe: 'chain_unsubscribeNewHeads',
    notification: 'chain_newHead',
  },
  events: {
    subscribe: 'chain_subscribeEvents',
    unsubscribe: 'chain_unsubscribeEvents',
    notification: 'chain_events',
  },
} as const;
export type SubscriptionKind = keyof typeof SUBSCRIPTIONS;

/** JSON-RPC 2.0 error numbers (section 5.1), and Phalanx's own from 1000 up. */
export const RPC_CODES = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** A subscription method called over HTTP. */
  subscriptionsNeedWebSocket: 1001,
  /** A WebSocket connection holds the most subscriptions it may. */
  tooManySubscriptions: 1002,
  /** The request body or message is larger than the server accepts. */
  requestTooLarge: 1003,
  /** A response, or a batch's responses together, would be larger than the server sends. */
  responseTooLarge: 1004,
  /** The request's Host or Origin is not on the node's allowlist (DNS rebinding, cross-origin pages). */
  accessDenied: 1005,
} as const;
