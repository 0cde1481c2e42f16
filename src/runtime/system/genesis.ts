// system genesis: chain name, authorities and parameters.
import { z } from 'zod';
import { toHex } from '../../codec/bytes.js';
import {
  accountIdSchema,
  amountSchema,
  type GenesisDefinition,
  GenesisError,
  u32Schema,
} from '../support/genesis.js';
import { findParameterProblem } from './parameters.js';
import { Authorities, ChainName, Parameters } from './storage.js';

export const systemGenesisSchema = z.strictObject({
  chainName: z.string().min(1).max(64),
  /** Block authors (ed25519 keys as addresses or hex). */
  authorities: z.array(accountIdSchema).min(1).max(100),
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
    const seen = new Set<string>();
    config.authorities.forEach((key, index) => {
      if (seen.has(toHex(key))) throw new GenesisError(`system.authorities[${index}]`, 'duplicate authority');
      seen.add(toHex(key));
    });
    ChainName.set(state, config.chainName);
    Authorities.set(state, config.authorities);
    Parameters.set(state, config.parameters);
  },
};
