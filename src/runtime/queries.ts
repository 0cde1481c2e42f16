// The runtime's read-only queries that the node and tests use directly, over any state reader (the
// head's state or an older block's). Each delegates to the module that owns the storage. Queries are
// named `get*` for one value, `list*` for pages and `is*`/`has*` for predicates, in every module;
// what the RPC serves, each module declares in its own `rpc.ts`.
import type { StateReader } from './api.js';
import { getBalance, getTotalIssuance } from './balances/queries.js';
import { getSudoKey } from './governance/queries.js';
import {
  getAuthorities,
  getBlockHash,
  getBlockNumber,
  getChainName,
  getNonce,
  getParameters,
  getTimestamp,
} from './system/queries.js';
import type { Parameters } from './system/types.js';

export interface AccountView {
  free: bigint;
  reserved: bigint;
  /** The nonce the account's next extrinsic must carry. */
  nonce: number;
}

export interface RuntimeQueries {
  getAccount(state: StateReader, who: Uint8Array): AccountView;
  getAuthorities(state: StateReader): Uint8Array[];
  getParameters(state: StateReader): Parameters;
  getChainName(state: StateReader): string;
  getTotalIssuance(state: StateReader): bigint;
  getSudoKey(state: StateReader): Uint8Array | undefined;
  getBlockNumber(state: StateReader): number;
  getTimestamp(state: StateReader): bigint;
  getBlockHash(state: StateReader, number: number): Uint8Array | undefined;
}

export function getAccount(state: StateReader, who: Uint8Array): AccountView {
  const { free, reserved } = getBalance(state, who);
  return { free, reserved, nonce: getNonce(state, who) };
}

export const queries: RuntimeQueries = {
  getAccount,
  getAuthorities,
  getParameters,
  getChainName,
  getTotalIssuance,
  getSudoKey,
  getBlockNumber,
  getTimestamp,
  getBlockHash,
};
