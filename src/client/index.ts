// The typed Phalanx RPC client: transports, then one function per operation taking the client first.
export { createHttpClient, type HttpClientOptions } from './createHttpClient.js';
export { createWsClient, type WsClientOptions } from './createWsClient.js';
export { discover, type OpenRpcSummary } from './discover.js';
export type { BlockEvents, EventInfo, HeadInfo } from './fromJson.js';
export { type AccountInfo, getAccount } from './getAccount.js';
export { type BlockInfo, getBlock } from './getBlock.js';
export { getBlockHash } from './getBlockHash.js';
export { type ChainInfo, getChainInfo } from './getChainInfo.js';
export { getEvents } from './getEvents.js';
export { getHeader } from './getHeader.js';
export { getHealth, type NodeHealth } from './getHealth.js';
export { getStorage, type StorageWithProof } from './getStorage.js';
export { getStoragePage } from './getStoragePage.js';
export { submitExtrinsic } from './submitExtrinsic.js';
export { subscribeEvents } from './subscribeEvents.js';
export { subscribeNewHeads } from './subscribeNewHeads.js';
export { isWsRpcClient, type RpcClient, type WsRpcClient } from './types.js';
export { type Inclusion, waitForExtrinsic } from './waitForExtrinsic.js';
