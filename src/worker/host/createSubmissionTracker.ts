// Follows one kind of extrinsic the host submits (a registration, a benchmark report) through the
// verified blocks: at most one waits at a time; a refusal or a submission not seen in time backs the
// next attempt off, in blocks, so that one the chain refuses for good (policy, measurement) is not
// resubmitted every block while one refused for a passing reason is retried soon.
import { equalBytes } from '../../codec/bytes.js';
import type { VerifiedBlock } from './followChain.js';

/** What became of the pending submission in a block. */
export type SubmissionOutcome =
  | { readonly kind: 'included'; readonly block: number }
  | {
      readonly kind: 'failed';
      readonly block: number;
      readonly reason: string;
      readonly retryAtBlock: number;
    };

export interface SubmissionTracker {
  /** Whether a new submission may go out at block `number`: none waits, and no back-off is running. */
  mayAct(number: number): boolean;
  /** Records a submission made while the verified head was block `atBlock`. */
  submitted(hash: Uint8Array, atBlock: number): void;
  /** Looks for the waiting submission's receipt in `block`; the outcome once there is one. */
  onBlock(block: VerifiedBlock): SubmissionOutcome | undefined;
}

/** Back-off after the n-th failure in a row: 2^n blocks, at most this many. */
export const MAX_RETRY_WAIT_BLOCKS = 64;

export function createSubmissionTracker(options: {
  /** A submission not included within this many blocks is given up and may be retried. */
  timeoutBlocks: number;
}): SubmissionTracker {
  let waiting: { hash: Uint8Array; submittedAt: number } | undefined;
  let failures = 0;
  let retryAt = 0;

  const failed = (block: number, reason: string): SubmissionOutcome => {
    waiting = undefined;
    failures += 1;
    retryAt = block + Math.min(2 ** failures, MAX_RETRY_WAIT_BLOCKS);
    return { kind: 'failed', block, reason, retryAtBlock: retryAt };
  };

  return {
    mayAct: (number) => waiting === undefined && number >= retryAt,
    submitted(hash, atBlock) {
      waiting = { hash, submittedAt: atBlock };
    },
    onBlock(block) {
      if (waiting === undefined) return undefined;
      const number = block.header.number;
      const receipt = block.receipts.find((r) => equalBytes(r.hash, waiting!.hash));
      if (receipt === undefined) {
        return number - waiting.submittedAt > options.timeoutBlocks
          ? failed(number, 'not included in time')
          : undefined;
      }
      // The receipt is the node's word (unverified): good enough to decide when to try again.
      if (receipt.outcome?.ok === false) {
        const { module, error } = receipt.outcome.error;
        return failed(number, `${module}.${error}`);
      }
      waiting = undefined;
      failures = 0;
      return { kind: 'included', block: number };
    },
  };
}
