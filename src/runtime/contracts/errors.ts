// contracts errors. APPEND ONLY: a code is the index in this list and is part of consensus.
import { defineErrors } from '../support/errors.js';

export const ContractsErrors = defineErrors('contracts', [
  /** `replicas` is 0 or above `maxReplicas`. */
  'InvalidReplicas',
  /** No contract with that id. */
  'ContractNotFound',
  /** `undeploy` by an account that is not the contract's owner. */
  'NotOwner',
  /** `setConfig` with zero replicas or contracts per worker. */
  'InvalidConfig',
] as const);
