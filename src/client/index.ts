// The typed Phalanx RPC client: transports, `callMethod` for any method declared by a spec (the
// node's in src/codec/nodeRpc.ts, a module's in its schemas.ts), then named functions where callers
// want bytes and bigints rather than the wire's JSON, each taking the client first.
export { callMethod } from './callMethod.js';
export { createHttpClient, type HttpClientOptions } from './createHttpClient.js';
export { createWsClient, type WsClientOptions } from './createWsClient.js';
export { discover, type OpenRpcSummary } from './discover.js';
export type { BlockEvents, EventInfo, HeadInfo } from './fromJson.js';
export { type AccountInfo, getAccount } from './getAccount.js';
export { type BlockInfo, getBlock } from './getBlock.js';
export { getBlockHash } from './getBlockHash.js';
export { type ChainInfo, getChainInfo } from './getChainInfo.js';
export { getClusterNodes } from './getClusterNodes.js';
export { getEvents } from './getEvents.js';
export { type GatekeeperSet, getGatekeepers } from './getGatekeepers.js';
export { getHeader } from './getHeader.js';
export { getHealth, type NodeHealth } from './getHealth.js';
export { getNextNonce } from './getNextNonce.js';
export { getStorage, type StorageWithProof } from './getStorage.js';
export { getStoragePage } from './getStoragePage.js';
export { listWorkers, listWorkersPage } from './listWorkers.js';
export { submitExtrinsic } from './submitExtrinsic.js';
export { subscribeEvents } from './subscribeEvents.js';
export { subscribeNewHeads } from './subscribeNewHeads.js';
export { isWsRpcClient, type RpcClient, type WsRpcClient } from './types.js';
export { type Inclusion, waitForExtrinsic } from './waitForExtrinsic.js';
