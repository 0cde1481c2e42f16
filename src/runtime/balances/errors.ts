// balances errors. APPEND ONLY: a code is the index in this list and is part of consensus.
import { defineErrors } from '../support/errors.js';

export const BalancesErrors = defineErrors('balances', [
  /** The free balance does not cover the amount. */
  'InsufficientBalance',
  /** The transfer would create an account with less than the existential deposit. */
  'BelowExistentialDeposit',
  /** A balance would exceed u128. */
  'Overflow',
  /** `transferKeepAlive` would leave the sender below the existential deposit. */
  'KeepAlive',
] as const);
