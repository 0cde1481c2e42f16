import { hexToBytes } from '../codec/bytes.js';
import { nodeRpc } from '../codec/nodeRpc.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

export interface ChainInfo {
  chain: string;
  /** Signed into every extrinsic, so that it is valid on this chain only. */
  genesisHash: Uint8Array;
  addressPrefix: string;
}

export async function getChainInfo(client: RpcClient): Promise<ChainInfo> {
  const json = await callMethod(client, nodeRpc.properties);
  return { chain: json.chain, genesisHash: hexToBytes(json.genesisHash), addressPrefix: json.addressPrefix };
}
