// system errors. APPEND ONLY: a code is the index in this list and is part of consensus.
import { defineErrors } from '../support/errors.js';

export const SystemErrors = defineErrors('system', [
  /** A dispatched (inner) call names a module or call this runtime does not have. */
  'UnknownCall',
  /** A dispatched (inner) call does not accept this origin. */
  'BadOrigin',
  /** A dispatched (inner) call's arguments do not decode. */
  'MalformedCall',
  /** `setParameters` got values outside their limits. */
  'InvalidParameters',
  /** `setAuthorities` got no key, more than MAX_AUTHORITIES or a key twice. */
  'InvalidAuthorities',
] as const);
