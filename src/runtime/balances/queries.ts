// Read-only views of balances storage for the node and its RPC.
import type { StateReader } from '../api.js';
import { readAccountData } from './currency.js';
import { TotalIssuance } from './storage.js';
import type { AccountData } from './types.js';

export function getBalance(state: StateReader, who: Uint8Array): AccountData {
  return readAccountData(state, who);
}

export function getTotalIssuance(state: StateReader): bigint {
  return TotalIssuance.get(state) ?? 0n;
}
