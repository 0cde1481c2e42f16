// A sim request that cannot be honoured (wrong sizes, unknown outcome). Verification failures are
// AttestationErrors; this one is about asking the simulated TEE for something malformed.
import { PhalanxError } from '../../codec/errors.js';

export type SimTeeErrorCode = 'InvalidSimRequest' | 'InvalidSimPkiOptions';

export class SimTeeError extends PhalanxError {
  declare readonly code: SimTeeErrorCode;

  constructor(code: SimTeeErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
