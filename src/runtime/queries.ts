// The read-only queries the node's RPC and the dashboard need, over any state reader (the head's
// state or an older block's). Each delegates to the module that owns the storage.
import type { StateReader } from './api.js';
import { readBalance, readTotalIssuance } from './balances/queries.js';
import { readSudoKey } from './governance/queries.js';
import {
  readAuthorities,
  readBlockHash,
  readBlockNumber,
  readChainName,
  readNonce,
  readSystemParameters,
  readTimestamp,
} from './system/queries.js';
import type { Parameters } from './system/types.js';

export interface AccountView {
  free: bigint;
  reserved: bigint;
  /** The nonce the account's next extrinsic must carry. */
  nonce: number;
}

export interface RuntimeQueries {
  account(state: StateReader, who: Uint8Array): AccountView;
  authorities(state: StateReader): Uint8Array[];
  parameters(state: StateReader): Parameters;
  chainName(state: StateReader): string;
  totalIssuance(state: StateReader): bigint;
  sudoKey(state: StateReader): Uint8Array | undefined;
  blockNumber(state: StateReader): number;
  timestamp(state: StateReader): bigint;
  blockHash(state: StateReader, number: number): Uint8Array | undefined;
}

export const queries: RuntimeQueries = {
  account(state, who) {
    const { free, reserved } = readBalance(state, who);
    return { free, reserved, nonce: readNonce(state, who) };
  },
  authorities: readAuthorities,
  parameters: readSystemParameters,
  chainName: readChainName,
  totalIssuance: readTotalIssuance,
  sudoKey: readSudoKey,
  blockNumber: readBlockNumber,
  timestamp: readTimestamp,
  blockHash: readBlockHash,
};
