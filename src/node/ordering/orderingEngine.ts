// The seam between the chain core and how blocks get their order (DESIGN.md section 2). `solo`
// seals on a timer as the single authority; `follower` imports another node's blocks; a later
// `etcd` engine will append built blocks to a shared log and import them from it. Every engine
// drives the same Chain (createChain.ts): buildBlock + commitBlock, or importBlock.
export interface OrderingEngine {
  readonly kind: 'solo' | 'follower';
  /** Begins ordering in the background (timers, polling). */
  start(): Promise<void>;
  /** Stops and waits for the block in progress, if any. Idempotent. */
  stop(): Promise<void>;
  /** One round, for tests and tools: solo seals one block, a follower imports what upstream has. */
  step(): Promise<void>;
  /** Where a submitted extrinsic goes under this engine; returns its hash or throws RpcError. */
  submitExtrinsic(extrinsic: Uint8Array): Uint8Array;
  isSyncing(): boolean;
  peers(): number;
}
