// balances genesis: initial free balances; total issuance is their sum.
import { z } from 'zod';
import { toHex } from '../../codec/bytes.js';
import { accountIdSchema, amountSchema, type GenesisDefinition, GenesisError } from '../support/genesis.js';
import { U128_MAX } from '../support/types.js';
import { readParameters } from '../system/parameters.js';
import { isTreasury } from './currency.js';
import { Accounts, TotalIssuance } from './storage.js';

export const balancesGenesisSchema = z.strictObject({
  accounts: z.array(z.strictObject({ account: accountIdSchema, free: amountSchema })).max(100_000),
});

export type BalancesGenesisConfig = z.input<typeof balancesGenesisSchema>;

export const balancesGenesis: GenesisDefinition<
  z.output<typeof balancesGenesisSchema>,
  BalancesGenesisConfig
> = {
  schema: balancesGenesisSchema,
  build(state, config) {
    // system's genesis runs first (module order), so the parameters are in place.
    const { existentialDeposit } = readParameters(state);
    const seen = new Set<string>();
    let issuance = 0n;
    config.accounts.forEach(({ account, free }, index) => {
      const field = `balances.accounts[${index}]`;
      if (seen.has(toHex(account))) throw new GenesisError(`${field}.account`, 'duplicate account');
      seen.add(toHex(account));
      if (!isTreasury(account) && free < existentialDeposit) {
        throw new GenesisError(`${field}.free`, `below the existential deposit ${existentialDeposit}`);
      }
      issuance += free;
      if (issuance > U128_MAX) throw new GenesisError(`${field}.free`, 'total issuance exceeds u128');
      Accounts.set(state, account, { free, reserved: 0n });
    });
    TotalIssuance.set(state, issuance);
  },
};
