import { hexToBytes, toHex } from '../codec/bytes.js';
import { nodeRpc } from '../codec/nodeRpc.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

export interface StorageWithProof {
  key: Uint8Array;
  /** undefined: the key is absent (and `proof` proves that). */
  value: Uint8Array | undefined;
  proof: Uint8Array[];
  stateRoot: Uint8Array;
  blockHash: Uint8Array;
}

/**
 * A storage value with its Merkle proof, as the node sent them: checking the proof against a header
 * the caller trusts is the caller's job (the worker's light client does it).
 */
export async function getStorage(
  client: RpcClient,
  key: Uint8Array,
  blockHash?: Uint8Array,
): Promise<StorageWithProof | undefined> {
  const json = await callMethod(client, nodeRpc.getStorage, toHex(key), blockHash && toHex(blockHash));
  if (json === null) return undefined;
  return {
    key: hexToBytes(json.key),
    value: json.value === null ? undefined : hexToBytes(json.value),
    proof: json.proof.map((node) => hexToBytes(node)),
    stateRoot: hexToBytes(json.stateRoot),
    blockHash: hexToBytes(json.blockHash),
  };
}
