// system genesis: chain name, authorities and parameters.
import { z } from 'zod';
import {
  accountIdSchema,
  amountSchema,
  type GenesisDefinition,
  GenesisError,
  u32Schema,
} from '../support/genesis.js';
import { findAuthoritiesProblem } from './findAuthoritiesProblem.js';
import { findParameterProblem } from './parameters.js';
import { Authorities, ChainName, Parameters } from './storage.js';

export const systemGenesisSchema = z.strictObject({
  chainName: z.string().min(1).max(64),
  /** Block authors (ed25519 keys as addresses or hex); the rules are findAuthoritiesProblem's. */
  authorities: z.array(accountIdSchema),
  parameters: z.strictObject({
    flatFee: amountSchema,
    existentialDeposit: amountSchema,
    maxExtrinsicSize: u32Schema,
  }),
});

export type SystemGenesisConfig = z.input<typeof systemGenesisSchema>;

export const systemGenesis: GenesisDefinition<z.output<typeof systemGenesisSchema>, SystemGenesisConfig> = {
  schema: systemGenesisSchema,
  build(state, config) {
    const problem = findParameterProblem(config.parameters);
    if (problem) throw new GenesisError('system.parameters', problem);
    const wrong = findAuthoritiesProblem(config.authorities);
    if (wrong) {
      const field = wrong.index === undefined ? 'system.authorities' : `system.authorities[${wrong.index}]`;
      throw new GenesisError(field, wrong.problem);
    }
    ChainName.set(state, config.chainName);
    Authorities.set(state, config.authorities);
    Parameters.set(state, config.parameters);
  },
};
