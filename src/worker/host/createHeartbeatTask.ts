// The host's side of heartbeats (DESIGN.md section 7; issue 9): at each verified head it fetches a
// proof of the worker's `computation.Sessions` entry (and, if the core asks, of the challenge block's
// hash) and hands it to the enclave core, which decides from the verified header whether the worker
// is challenged and signs the answer; the host submits it as `computation.heartbeat`, signed and paid
// for by the operator, follows it through the verified blocks' receipts, sends it again if no block
// included it in time (still before the deadline), and never sends one for a challenge a block already
// answered (heartbeatAction.ts decides). Its memory is one submission and one answered challenge.
import type { Logger } from 'pino';
import { getHeader } from '../../client/getHeader.js';
import { getStorage } from '../../client/getStorage.js';
import type { RpcClient } from '../../client/types.js';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { Sessions } from '../../runtime/computation/storage.js';
import { computationCalls, type SessionState } from '../../runtime/computation/types.js';
import { BlockHashes } from '../../runtime/system/storage.js';
import type { ProvenValue } from '../enclave/createHeartbeatSigner.js';
import type { EnclaveCore } from '../enclave/enclaveCore.js';
import type { LightClient, VerifiedHeader } from '../enclave/lightClient.js';
import type { Submitter } from './createSubmitter.js';
import { WorkerError } from './errors.js';
import type { VerifiedBlock } from './followChain.js';
import {
  type ChallengeRef,
  type HeartbeatMemory,
  heartbeatAction,
  type OpenChallenge,
} from './heartbeatAction.js';

/**
 * Blocks a heartbeat may wait for inclusion before it is sent again: half a devnet's window of 10, so
 * a heartbeat merely slow to be included is seldom sent twice (the second would be refused as
 * AlreadyAnswered and cost its fee) and a lost one still has half the window to go.
 */
export const DEFAULT_HEARTBEAT_RESUBMIT_BLOCKS = 5;
/** Submissions remembered for one challenge (the first and its re-sends); any of them may be included. */
const MAX_HASHES_PER_CHALLENGE = 8;

export interface HeartbeatStatus {
  /** The session state as last proven (undefined: no session yet). */
  readonly session: SessionState | undefined;
  /** Heartbeats submitted (re-submissions included) and included since the host started. */
  readonly submitted: number;
  readonly included: number;
}

export interface HeartbeatTask {
  /** Each verified block: looks for the receipt of the heartbeat in flight. */
  onBlock(block: VerifiedBlock): void;
  /** Once per tick at the verified head: answers an open challenge. */
  onTick(client: RpcClient, lightClient: LightClient): Promise<void>;
  status(): HeartbeatStatus;
}

export function createHeartbeatTask(options: {
  core: EnclaveCore;
  submitter: Submitter;
  logger: Logger;
  /** Default DEFAULT_HEARTBEAT_RESUBMIT_BLOCKS. */
  resubmitAfterBlocks?: number;
}): HeartbeatTask {
  const { core, submitter, logger } = options;
  const resubmitAfter = Math.max(1, options.resubmitAfterBlocks ?? DEFAULT_HEARTBEAT_RESUBMIT_BLOCKS);
  const sessionKey = Sessions.keyOf(core.pubkey);
  let inflight: (ChallengeRef & { submittedAt: number; hashes: Uint8Array[] }) | undefined;
  let answered: ChallengeRef | undefined;
  let retryAt = 0;
  let refusals = 0;
  let sessionState: SessionState | undefined;
  let lastSeen: ChallengeRef | undefined;
  let submitted = 0;
  let included = 0;

  const prove = async (client: RpcClient, key: Uint8Array, at: VerifiedHeader): Promise<ProvenValue> => {
    const result = await getStorage(client, key, at.hash);
    if (!result) {
      throw new WorkerError('BadNodeAnswer', `the node does not know block ${at.header.number}`, {
        number: at.header.number,
      });
    }
    return { value: result.value, proof: result.proof };
  };

  return {
    onBlock(block) {
      if (inflight === undefined) return;
      const { hashes } = inflight;
      const receipt = block.receipts.find((r) => hashes.some((hash) => equalBytes(r.hash, hash)));
      if (receipt === undefined) return;
      const challenge = { session: inflight.session, block: inflight.block };
      inflight = undefined;
      // The receipt is the node's word (unverified): enough to decide whether to send again. The
      // next proven session says what the chain made of it.
      if (receipt.outcome?.ok === false) {
        const { module, error } = receipt.outcome.error;
        refusals += 1;
        retryAt = block.header.number + Math.min(2 ** refusals, 8);
        logger.warn(
          {
            challengeBlock: challenge.block,
            block: block.header.number,
            reason: `${module}.${error}`,
            retryAt,
          },
          'heartbeat refused',
        );
        return;
      }
      refusals = 0;
      answered = challenge;
      included += 1;
      logger.info({ challengeBlock: challenge.block, block: block.header.number }, 'heartbeat included');
    },

    async onTick(client, lightClient) {
      const head = lightClient.head();
      const session = await prove(client, sessionKey, head);
      let answer = core.heartbeats.answer(lightClient, { at: head.hash, session });
      if (answer.kind === 'NeedsBlockHash') {
        const challengeBlockHash = await prove(client, BlockHashes.keyOf(answer.pending.block), head);
        answer = core.heartbeats.answer(lightClient, { at: head.hash, session, challengeBlockHash });
      }
      const state = answer.kind === 'NoSession' ? undefined : answer.session.state;
      if (state !== sessionState) {
        logger.info({ from: sessionState, to: state, block: head.header.number }, 'session state');
        sessionState = state;
      }
      if (answer.kind === 'NoSession' || answer.kind === 'NotChallenged') return;
      const open: OpenChallenge = {
        session: answer.session.id,
        block: answer.pending.block,
        deadline: answer.pending.deadline,
      };
      if (!(lastSeen?.session === open.session && lastSeen.block === open.block)) {
        lastSeen = { session: open.session, block: open.block };
        logger.info(
          { challengeBlock: open.block, deadline: open.deadline, head: head.header.number },
          'challenged',
        );
      }
      const memory: HeartbeatMemory = {
        ...(inflight ? { inflight } : {}),
        ...(answered ? { answered } : {}),
        retryAt,
      };
      const action = heartbeatAction(open, memory, head.header.number, resubmitAfter);
      if (action === 'none' || action === 'wait') return;
      // A passed deadline is 'none' above; an answerable challenge is one the core signed.
      if (answer.kind !== 'Heartbeat') return;
      const hash = await submitter.submit(computationCalls.heartbeat(answer.heartbeat));
      const earlier = action === 'resubmit' && inflight ? inflight.hashes : [];
      // Counted from the node's best block, not our verified head: after a long catch-up the head
      // lags the node, and counting from it would re-send a heartbeat no block could yet include.
      const nodeBest = await getHeader(client).then(
        (best) => best?.signed.header.number ?? head.header.number,
        () => head.header.number,
      );
      inflight = {
        session: open.session,
        block: open.block,
        submittedAt: Math.max(head.header.number, nodeBest),
        hashes: [...earlier, hash].slice(-MAX_HASHES_PER_CHALLENGE),
      };
      submitted += 1;
      logger.info(
        {
          challengeBlock: open.block,
          deadline: open.deadline,
          head: head.header.number,
          extrinsic: bytesToHex(hash),
        },
        action === 'resubmit' ? 'heartbeat re-submitted' : 'heartbeat submitted',
      );
    },

    status: () => ({ session: sessionState, submitted, included }),
  };
}
