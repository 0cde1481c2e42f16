// The JSON-RPC wire format, defined once: the node's RPC server builds these shapes and documents
// them in its OpenRPC document from these schemas, and the client validates every response with
// them (a node is outside the client's trust boundary). Bytes are 0x-hex, bigints decimal strings,
// so that no JSON number ever loses precision.
import { z } from 'zod';

export const HexSchema = z.string().regex(/^0x([0-9a-f]{2})*$/, 'lowercase 0x-prefixed hex');
export const Hash32Schema = z.string().regex(/^0x[0-9a-f]{64}$/, '32-byte 0x-hex hash');
export const DecimalSchema = z.string().regex(/^(0|[1-9][0-9]*)$/, 'unsigned decimal integer string');
export const BlockNumberSchema = z.number().int().min(0).max(0xffff_ffff);

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
  isSyncing: z.boolean(),
  peers: z.number().int().min(0),
  pendingExtrinsics: z.number().int().min(0),
  bestNumber: BlockNumberSchema,
  bestHash: Hash32Schema,
});
export type HealthJson = z.infer<typeof HealthJsonSchema>;

export const ChainPropertiesJsonSchema = z.object({
  chain: z.string(),
  genesisHash: Hash32Schema,
  addressPrefix: z.string(),
});
export type ChainPropertiesJson = z.infer<typeof ChainPropertiesJsonSchema>;

export const AccountJsonSchema = z.object({
  address: z.string(),
  nonce: z.number().int().min(0),
  free: DecimalSchema,
  reserved: DecimalSchema,
});
export type AccountJson = z.infer<typeof AccountJsonSchema>;

// Registry and gatekeeper views (issue 4). Enumerations (states, TCB statuses) travel as their
// names, so that a client need not know the runtime's SCALE indices.

const Hex32Schema = Hash32Schema;
const Hex48Schema = z.string().regex(/^0x[0-9a-f]{96}$/, '48-byte 0x-hex value');

export const MeasurementJsonSchema = z.discriminatedUnion('tee', [
  z.object({
    tee: z.literal('sgx'),
    mrEnclave: Hex32Schema,
    mrSigner: Hex32Schema,
    isvProdId: z.number().int().min(0),
    isvSvn: z.number().int().min(0),
  }),
  z.object({
    tee: z.literal('tdx'),
    mrTd: Hex48Schema,
    rtmr0: Hex48Schema,
    rtmr1: Hex48Schema,
    rtmr2: Hex48Schema,
    rtmr3: Hex48Schema,
  }),
]);
export type MeasurementJson = z.infer<typeof MeasurementJsonSchema>;

export const WorkerJsonSchema = z.object({
  /** The worker's ed25519 identity key. */
  pubkey: Hash32Schema,
  /** `Registered`, `Provisioned`, `Expired`, ... */
  state: z.string(),
  /** The operator account's address. */
  operator: z.string(),
  ecdhPubkey: Hash32Schema,
  genesisHash: Hash32Schema,
  features: z.object({ cores: z.number().int().min(0), tee: z.string() }),
  recentBlock: z.object({ number: BlockNumberSchema, hash: Hash32Schema }),
  /** Block of the first registration of this pubkey. */
  registeredAt: BlockNumberSchema,
  attestation: z.object({
    /** `dcap` or `ias`. */
    provider: z.string(),
    tee: z.string(),
    /** DCAP only. */
    tcbStatus: z.string().nullable(),
    /** IAS only. */
    quoteStatus: z.string().nullable(),
    advisoryIds: z.array(z.string()),
    confidenceLevel: z.number().int(),
    measurement: MeasurementJsonSchema,
    /** Milliseconds since the Unix epoch (block time of the last registration). */
    attestedAt: DecimalSchema,
    expiresAt: DecimalSchema,
    /**
     * The chain's policy trusts a root other than Intel's (the INSECURE sim root of a development
     * chain), so this evidence may be simulated and proves nothing (DESIGN.md section 6). The record
     * does not name the root the evidence chained to, and on such a chain a forged quote cannot be
     * told apart from a real one anyway.
     */
    simInsecure: z.boolean(),
  }),
  benchmark: z.object({ score: z.number().int(), blockNumber: BlockNumberSchema }).nullable(),
});
export type WorkerJson = z.infer<typeof WorkerJsonSchema>;

export const WorkerPageJsonSchema = z.object({
  workers: z.array(WorkerJsonSchema),
  /** Pass as `startAfter` for the next page; null when this page is the last. */
  next: Hash32Schema.nullable(),
  /** Number of the block whose state this page reflects. */
  atBlock: BlockNumberSchema,
});
export type WorkerPageJson = z.infer<typeof WorkerPageJsonSchema>;

/**
 * The attestation policy in the form the genesis config and `phalanx tx registry set-policy --file`
 * take, so that a queried policy can be edited and submitted back.
 */
export const PolicyJsonSchema = z.object({
  trustedRoots: z.array(HexSchema),
  measurementAllowlist: z.array(
    z.discriminatedUnion('tee', [
      z.object({
        tee: z.literal('sgx'),
        mrEnclave: Hex32Schema.optional(),
        mrSigner: Hex32Schema.optional(),
        isvProdId: z.number().int().min(0).optional(),
        minIsvSvn: z.number().int().min(0).optional(),
      }),
      z.object({
        tee: z.literal('tdx'),
        mrTd: Hex48Schema,
        rtmr0: Hex48Schema.optional(),
        rtmr1: Hex48Schema.optional(),
        rtmr2: Hex48Schema.optional(),
        rtmr3: Hex48Schema.optional(),
      }),
    ]),
  ),
  acceptedTcbStatuses: z.array(z.string()),
  acceptedQuoteStatuses: z.array(z.string()),
  advisoryAllowlist: z.array(z.string()).optional(),
  allowDebug: z.boolean(),
  requireSeptVeDisable: z.boolean(),
  maxEvidenceAgeBlocks: z.number().int().min(0),
  attestationValidityMs: DecimalSchema,
  maxIasReportAgeMs: DecimalSchema,
});
export type PolicyJson = z.infer<typeof PolicyJsonSchema>;

export const PolicyInfoJsonSchema = z.object({
  policy: PolicyJsonSchema,
  /** BLAKE2b-256 of the policy's SCALE encoding (as in `registry.PolicyChanged`). */
  hash: Hash32Schema,
  /**
   * Subject of each trusted root, in `policy.trustedRoots` order, and whether it is one of Intel's
   * pinned roots; any other root (the sim root of a development chain) makes attestation insecure.
   */
  roots: z.array(z.object({ subject: z.string(), intel: z.boolean() })),
});
export type PolicyInfoJson = z.infer<typeof PolicyInfoJsonSchema>;

export const GatekeepersJsonSchema = z.object({
  /** Gatekeeper identity pubkeys, in the order governance added them. */
  gatekeepers: z.array(Hash32Schema),
  /** The network master public key; null until the first gatekeeper publishes it. */
  masterPubkey: Hash32Schema.nullable(),
});
export type GatekeepersJson = z.infer<typeof GatekeepersJsonSchema>;

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
} as const;
