// What the host does about a challenge at a verified head (issue 9, "Challenges and heartbeats"): a
// pure decision over what the enclave core proved (the open challenge) and what the host remembers of
// its own submissions, so the rules are tested alone (heartbeatAction.test.ts) and
// createHeartbeatTask.ts only carries them out.

/** A challenge as the host keys it: the session it belongs to and the block it was issued at. */
export interface ChallengeRef {
  readonly session: number;
  readonly block: number;
}

/** The open challenge the core read from a proven session, with its deadline. */
export interface OpenChallenge extends ChallengeRef {
  readonly deadline: number;
}

/** What the host remembers: bounded to one submission in flight and the last answered challenge. */
export interface HeartbeatMemory {
  /** The submission waiting for its receipt, and the head it went out at. */
  readonly inflight?: ChallengeRef & { readonly submittedAt: number };
  /** The last challenge a block included our heartbeat for: never submitted again. */
  readonly answered?: ChallengeRef;
  /** After a refused heartbeat, no new one before this block. */
  readonly retryAt: number;
}

export type HeartbeatAction =
  /** Nothing open, already answered, or past its deadline. */
  | 'none'
  /** A heartbeat for it is on its way, or a refusal's back-off runs. */
  | 'wait'
  | 'submit'
  /** The one in flight was not included in `resubmitAfterBlocks`: send it again before the deadline. */
  | 'resubmit';

export function sameChallenge(a: ChallengeRef | undefined, b: ChallengeRef | undefined): boolean {
  return a !== undefined && b !== undefined && a.session === b.session && a.block === b.block;
}

export function heartbeatAction(
  open: OpenChallenge | undefined,
  memory: HeartbeatMemory,
  head: number,
  resubmitAfterBlocks: number,
): HeartbeatAction {
  if (open === undefined || sameChallenge(open, memory.answered)) return 'none';
  // A heartbeat included after the deadline is refused (HeartbeatTooLate) and costs its fee.
  if (head > open.deadline) return 'none';
  if (sameChallenge(open, memory.inflight)) {
    return head - memory.inflight!.submittedAt >= resubmitAfterBlocks ? 'resubmit' : 'wait';
  }
  return head < memory.retryAt ? 'wait' : 'submit';
}
