// balances storage. Keys: `balances/<Item>/<SCALE key>`.
import { storageMap, storageValue } from '../support/storage.js';
import { AccountId, Balance } from '../support/types.js';
import { AccountDataCodec, BALANCES } from './types.js';

/** Balances of every existing account; an absent entry is an empty (reaped or never funded) account. */
export const Accounts = storageMap(BALANCES, 'Accounts', AccountId, AccountDataCodec);
/** Sum of all free and reserved balances, treasury included; changed only by genesis (so far). */
export const TotalIssuance = storageValue(BALANCES, 'TotalIssuance', Balance);
