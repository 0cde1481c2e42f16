// Heartbeats in the enclave core (DESIGN.md section 7; issue 9, "Challenges and heartbeats"): the core
// decides from verified headers alone whether its worker is challenged, and signs the answer. The host
// brings a storage proof of `computation.Sessions[worker]` at a block the light client accepted; the
// core checks it against that header's state root, reads the open challenge `{ block, deadline }` from
// it, and takes the challenge block's hash from its own verified headers (walking parent links back
// from the proven block), or, when that header is no longer retained (a restart from a checkpoint after
// the challenge), from a proof of `system.BlockHashes[block]` against the same state root. The host
// supplies neither the challenge nor the hash: a forged session or hash fails its proof, and a session
// the chain never wrote cannot be proven. The signature covers `heartbeatPayload(genesisHash, …)` for
// the pinned chain, so it is worth nothing on another.
import { Sessions } from '../../runtime/computation/storage.js';
import {
  type HeartbeatArgs,
  heartbeatPayload,
  type PendingChallenge,
  type Session,
} from '../../runtime/computation/types.js';
import { BlockHashes } from '../../runtime/system/storage.js';
import { EnclaveError } from './errors.js';
import { decodeItem, type LightClient, LightClientError, type VerifiedHeader } from './lightClient.js';

/** A storage value as a node serves it: the value (undefined: absent) and its Merkle proof. */
export interface ProvenValue {
  readonly value: Uint8Array | undefined;
  readonly proof: readonly Uint8Array[];
}

/** What the host brings: proofs against the state root of a block the light client accepted. */
export interface ChallengeProofs {
  /** Hash of an accepted header (normally the light client's head). */
  readonly at: Uint8Array;
  /** `computation.Sessions[this worker]` at `at`. */
  readonly session: ProvenValue;
  /**
   * `system.BlockHashes[challenge block]` at `at`: only needed when the answer was `NeedsBlockHash`
   * (the light client no longer holds the challenge block's header).
   */
  readonly challengeBlockHash?: ProvenValue;
}

/** What the core made of the proofs. */
export type HeartbeatAnswer =
  /** The worker never started a session (proven absent). */
  | { readonly kind: 'NoSession'; readonly at: number }
  /** A session without an open challenge. */
  | { readonly kind: 'NotChallenged'; readonly at: number; readonly session: Session }
  /** The open challenge's deadline is behind `at`: a heartbeat now would be late. */
  | {
      readonly kind: 'DeadlinePassed';
      readonly at: number;
      readonly session: Session;
      readonly pending: PendingChallenge;
    }
  /** Ask again with a proof of `system.BlockHashes[challengeBlock]` at the same block. */
  | {
      readonly kind: 'NeedsBlockHash';
      readonly at: number;
      readonly session: Session;
      readonly pending: PendingChallenge;
    }
  /** The signed heartbeat for the open challenge, for the host to submit as `computation.heartbeat`. */
  | {
      readonly kind: 'Heartbeat';
      readonly at: number;
      readonly session: Session;
      readonly pending: PendingChallenge;
      readonly heartbeat: HeartbeatArgs;
    };

export interface HeartbeatSigner {
  /**
   * Reads the worker's session from `proofs` (checked against `lightClient`'s accepted headers) and,
   * if it holds an open challenge still answerable at that block, signs the heartbeat. Throws the
   * light client's InvalidProof / UnknownBlock / MalformedValue for a bad proof, and
   * `ChallengeBlockUnknown` if the chain no longer proves the challenge block's hash.
   */
  answer(lightClient: LightClient, proofs: ChallengeProofs): HeartbeatAnswer;
}

export function createHeartbeatSigner(options: {
  /** The identity public key: the session proven is this worker's. */
  pubkey: Uint8Array;
  /** Signs with the identity key (the core's; the key stays there). */
  sign: (message: Uint8Array) => Uint8Array;
  /** Workload rounds the core has run so far, reported in each heartbeat. */
  iterations: () => bigint;
}): HeartbeatSigner {
  const pubkey = options.pubkey.slice();
  const sessionKey = Sessions.keyOf(pubkey);

  return {
    answer(lightClient, proofs) {
      const { at } = proofs;
      const sessionBytes = verifyProven(lightClient, at, sessionKey, proofs.session);
      // verifyStorage succeeded, so the light client holds this header.
      const header = lightClient.header(at)!;
      const number = header.header.number;
      if (sessionBytes === undefined) return { kind: 'NoSession', at: number };
      const session = decodeItem(Sessions, sessionBytes);
      const pending = session.pending;
      if (pending === undefined) return { kind: 'NotChallenged', at: number, session };
      // The chain writes a challenge at its own block with a deadline after it; anything else is not
      // a state the chain makes, and signing for it would sign for a block we have not seen.
      if (pending.block > number || pending.deadline < pending.block) {
        throw new EnclaveError(
          'InvalidChallenge',
          `the session proven at block ${number} holds a challenge at block ${pending.block} due ${pending.deadline}`,
          { at: number, block: pending.block, deadline: pending.deadline },
        );
      }
      if (pending.deadline < number) return { kind: 'DeadlinePassed', at: number, session, pending };
      let challengeBlockHash = hashAtNumber(lightClient, header, pending.block);
      if (challengeBlockHash === undefined) {
        if (proofs.challengeBlockHash === undefined)
          return { kind: 'NeedsBlockHash', at: number, session, pending };
        const proven = verifyProven(
          lightClient,
          at,
          BlockHashes.keyOf(pending.block),
          proofs.challengeBlockHash,
        );
        if (proven === undefined) {
          throw new EnclaveError(
            'ChallengeBlockUnknown',
            `block ${number}'s state no longer holds the hash of challenge block ${pending.block}`,
            { at: number, block: pending.block },
          );
        }
        challengeBlockHash = decodeItem(BlockHashes, proven);
      }
      const body = {
        worker: pubkey,
        session: session.id,
        challengeBlock: pending.block,
        challengeBlockHash,
        iterations: options.iterations(),
        contracts: session.contracts,
      };
      const signature = options.sign(heartbeatPayload(lightClient.genesisHash, body));
      return { kind: 'Heartbeat', at: number, session, pending, heartbeat: { ...body, signature } };
    },
  };
}

// The proofs come from the host: a missing or non-array proof is a refusal, never a TypeError.
function verifyProven(
  lightClient: LightClient,
  at: Uint8Array,
  key: Uint8Array,
  proven: ProvenValue | undefined,
): Uint8Array | undefined {
  const value = proven?.value;
  if (!Array.isArray(proven?.proof) || (value !== undefined && !(value instanceof Uint8Array))) {
    throw new LightClientError('InvalidProof', 'the storage proof is missing or malformed');
  }
  return lightClient.verifyStorage(at, key, value, proven.proof);
}

/**
 * The hash of block `number` on the verified chain ending at `from`, walking parent links through the
 * light client's retained headers; undefined once the walk leaves them. Accepted headers form one
 * chain (each extends the head before it), so the walk finds the one header of that number.
 */
function hashAtNumber(
  lightClient: LightClient,
  from: VerifiedHeader,
  number: number,
): Uint8Array | undefined {
  let current: VerifiedHeader | undefined = from;
  while (current !== undefined && current.header.number > number) {
    current = lightClient.header(current.header.parentHash);
  }
  return current?.header.number === number ? current.hash.slice() : undefined;
}
