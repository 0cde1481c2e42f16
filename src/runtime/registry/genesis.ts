// registry genesis: the attestation policy (README.md, "Policy"), in the JSON form of schemas.ts that
// `phalanx tx registry set-policy --file` takes and `registry_getPolicy` answers with. Certificates
// and measurements are hex (0x optional); durations are milliseconds as decimal strings or safe
// integers.
import { z } from 'zod';
import { type GenesisDefinition, GenesisError } from '../support/genesis.js';
import { findPolicyProblem } from './policy.js';
import { PolicyJsonSchema, policyFromJson } from './schemas.js';
import { Policy } from './storage.js';

export const registryGenesisSchema = z.strictObject({ policy: PolicyJsonSchema });

export type RegistryGenesisConfig = z.input<typeof registryGenesisSchema>;

export const registryGenesis: GenesisDefinition<
  z.output<typeof registryGenesisSchema>,
  RegistryGenesisConfig
> = {
  schema: registryGenesisSchema,
  build(state, config) {
    const policy = policyFromJson(config.policy);
    const problem = findPolicyProblem(policy);
    if (problem) throw new GenesisError('registry.policy', problem);
    Policy.set(state, policy);
  },
};
