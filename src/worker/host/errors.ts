// Every way the worker's host and roles refuse or give up, as one typed error (STYLE.md, "Errors").
// The host is untrusted plumbing: these name what the node said or failed to say, and the loop that
// meets them logs and retries rather than crashing (DESIGN.md section 10).
import { PhalanxError } from '../../codec/errors.js';

export type WorkerErrorCode =
  /** The configuration (options, key files, folders) is unusable. */
  | 'InvalidConfig'
  /** The node answers for another chain than the one this worker pinned. */
  | 'ChainMismatch'
  /** The node serves a branch that does not contain the light client's verified head. */
  | 'ForkedChain'
  /** The node's answer does not fit what the light client verified (wrong block, missing data). */
  | 'BadNodeAnswer'
  /** The chain is too young to register on (no block after genesis yet). */
  | 'ChainNotReady'
  /** A submitted extrinsic failed or was dropped. */
  | 'SubmissionFailed'
  /** Evidence a gatekeeper re-checked does not hold up. */
  | 'EvidenceRejected'
  /** The master key shared with this gatekeeper does not match the chain's master public key. */
  | 'MasterKeyMismatch'
  /** A sealed file of the worker does not open or does not hold what it should. */
  | 'SealedStateInvalid';

export class WorkerError extends PhalanxError {
  declare readonly code: WorkerErrorCode;

  constructor(
    code: WorkerErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(code, message, details, options);
  }
}
