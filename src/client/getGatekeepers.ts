import { hexToBytes } from '../codec/bytes.js';
import { gatekeeperRpc } from '../runtime/gatekeeper/schemas.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

export interface GatekeeperSet {
  gatekeepers: Uint8Array[];
  /** Undefined until the first gatekeeper publishes it. */
  masterPubkey: Uint8Array | undefined;
}

export async function getGatekeepers(client: RpcClient): Promise<GatekeeperSet> {
  const json = await callMethod(client, gatekeeperRpc.getGatekeepers);
  return {
    gatekeepers: json.gatekeepers.map((hex) => hexToBytes(hex)),
    masterPubkey: json.masterPubkey === null ? undefined : hexToBytes(json.masterPubkey),
  };
}
