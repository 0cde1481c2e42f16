// Errors of collateral fetching (src/pcs): the network and Intel's services are outside, so every
// failure is typed (DESIGN.md section 10), never a raw fetch or JSON exception.
import { PhalanxError } from '../codec/errors.js';

export type PcsErrorCode =
  /** The service could not be reached (DNS, refused connection, TLS, timeout). */
  | 'Unreachable'
  /** The service answered with a non-2xx status. */
  | 'HttpStatus'
  /** The answer is not in the form Intel's PCS v4 API documents. */
  | 'MalformedResponse'
  /** The caller asked for something no service could answer (bad FMSPC, CA or TEE). */
  | 'InvalidRequest';

export class PcsError extends PhalanxError {
  declare readonly code: PcsErrorCode;

  constructor(
    code: PcsErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(code, message, details, options);
  }
}

export function isPcsError(error: unknown): error is PcsError {
  return error instanceof PcsError;
}
