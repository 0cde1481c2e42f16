// governance storage. Keys: `governance/<Item>`.
import { storageValue } from '../support/storage.js';
import { AccountId } from '../support/types.js';
import { GOVERNANCE } from './types.js';

/** The account whose `sudo` calls carry the governance origin. */
export const SudoKey = storageValue(GOVERNANCE, 'SudoKey', AccountId);
