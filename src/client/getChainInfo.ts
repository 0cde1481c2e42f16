import { hexToBytes } from '../codec/bytes.js';
import { ChainPropertiesJsonSchema } from '../codec/rpcWire.js';
import { callRpc } from './callRpc.js';
import type { RpcClient } from './types.js';

export interface ChainInfo {
  chain: string;
  /** Signed into every extrinsic, so that it is valid on this chain only. */
  genesisHash: Uint8Array;
  addressPrefix: string;
}

export async function getChainInfo(client: RpcClient): Promise<ChainInfo> {
  const json = await callRpc(client, 'system_properties', [], ChainPropertiesJsonSchema);
  return { chain: json.chain, genesisHash: hexToBytes(json.genesisHash), addressPrefix: json.addressPrefix };
}
