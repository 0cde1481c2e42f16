// Which chain this worker belongs to. The light client trusts nothing before its genesis hash, so the
// hash must not come from the host on every start: it is given in the config, or taken from the node
// on the very first start (trust on first use) and sealed in the data folder, so that a restart
// against another node or a reset chain is refused instead of followed.

import { getChainInfo } from '../../client/getChainInfo.js';
import type { RpcClient } from '../../client/types.js';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import type { SealingProvider } from '../enclave/sealing/types.js';
import { WorkerError } from './errors.js';
import { readSealedFile, writeSealedFileOnce } from './sealedFile.js';

export const GENESIS_PIN_FILE = 'genesis.sealed';
const GENESIS_PIN_LABEL = 'phalanx/worker-genesis-pin/v1';

export async function pinGenesis(options: {
  client: RpcClient;
  dataDir: string;
  sealing: SealingProvider;
  /** From the config; wins over the node, must agree with an earlier pin. */
  configured?: Uint8Array;
}): Promise<Uint8Array> {
  const { dataDir, sealing, configured } = options;
  const pinned = readSealedFile(dataDir, GENESIS_PIN_FILE, sealing, GENESIS_PIN_LABEL);
  if (pinned !== undefined && pinned.length !== 32) {
    throw new WorkerError('SealedStateInvalid', `${GENESIS_PIN_FILE} does not hold a 32-byte hash`);
  }
  if (pinned && configured && !equalBytes(pinned, configured)) {
    throw new WorkerError(
      'ChainMismatch',
      `this data folder belongs to chain 0x${bytesToHex(pinned)}, not the configured 0x${bytesToHex(configured)}`,
    );
  }
  const hash = configured ?? pinned ?? (await getChainInfo(options.client)).genesisHash;
  if (!(hash instanceof Uint8Array) || hash.length !== 32)
    throw new WorkerError('InvalidConfig', 'genesis hash must be 32 bytes');
  return writeSealedFileOnce(dataDir, GENESIS_PIN_FILE, sealing, GENESIS_PIN_LABEL, hash);
}
