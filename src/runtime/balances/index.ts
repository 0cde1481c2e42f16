// The balances module: free and reserved balances, transfers, existential deposit, treasury
// (README.md). Other modules move money only through the functions of currency.ts re-exported here.
import { defineModule } from '../support/module.js';
import { balancesCallDefinitions } from './calls.js';
import { BalancesErrors } from './errors.js';
import { BalancesEvents } from './events.js';
import { balancesGenesis } from './genesis.js';
import { balancesRpcMethods } from './rpc.js';
import { BALANCES } from './types.js';

export const balancesModule = defineModule(BALANCES, {
  calls: balancesCallDefinitions,
  events: BalancesEvents,
  errors: BalancesErrors,
  genesis: balancesGenesis,
  rpc: balancesRpcMethods,
});

export {
  canPayFee,
  chargeFee,
  type Existence,
  feeBudget,
  isTreasury,
  mint,
  readAccountData,
  reserve,
  slashReserved,
  transferFunds,
  unreserve,
} from './currency.js';
export { BalancesErrors } from './errors.js';
export { BalancesEvents } from './events.js';
export * from './queries.js';
export { Accounts, TotalIssuance } from './storage.js';
