// governance errors. APPEND ONLY: a code is the index in this list and is part of consensus.
import { defineErrors } from '../support/errors.js';

export const GovernanceErrors = defineErrors('governance', [
  /** The signer is not the sudo key. */
  'RequireSudo',
] as const);
