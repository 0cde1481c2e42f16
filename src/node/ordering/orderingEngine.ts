// The seam between the chain core and how blocks get their order (DESIGN.md section 2). `solo`
// seals on a timer as the single authority; `follower` imports another node's blocks; `etcd`
// appends built blocks to a log shared through etcd and imports everyone's blocks from it. Every
// engine drives the same Chain (createChain.ts): buildBlock + commitBlock, or importBlock.
export interface OrderingStatus {
  readonly ordering: 'solo' | 'follower' | 'etcd';
  /** Whether this node orders blocks now (solo: always; etcd: while it holds the leader key). */
  readonly role: 'proposer' | 'follower';
  /** Whether the head this node serves is the newest it can know of (etcd: the log's head, read recently). */
  readonly inSync: boolean;
  /** etcd: the log's head as last read. */
  readonly logNumber?: number;
  /** Why this node stopped following, when it did (etcd: a log block it cannot reproduce). */
  readonly halted?: string;
}

/** What the engine learns once the node's RPC server listens. */
export interface EngineStartContext {
  readonly rpcUrl?: string;
}

export interface OrderingEngine {
  readonly kind: OrderingStatus['ordering'];
  /** Begins ordering in the background (timers, polling). */
  start(context?: EngineStartContext): Promise<void>;
  /** Stops and waits for the block in progress, if any. Idempotent. */
  stop(): Promise<void>;
  /** One round, for tests and tools: solo seals one block, a follower imports what upstream has. */
  step(): Promise<void>;
  /**
   * Where a submitted extrinsic goes under this engine; returns its hash or throws RpcError. The
   * etcd engine answers only once the extrinsic is durable, hence the promise.
   */
  submitExtrinsic(extrinsic: Uint8Array): Uint8Array | Promise<Uint8Array>;
  isSyncing(): boolean;
  peers(): number;
  status(): OrderingStatus;
}
