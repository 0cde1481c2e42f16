// gatekeeper calls: check origin, validate, write, emit. Master-signed messages may be submitted by
// any signed account (gatekeepers race; the submitter pays the fee): the master signature, the
// sequence number and the chain binding in the signed message are what authorise them.
import { equalBytes } from '../../codec/bytes.js';
import { ed25519Verify } from '../../codec/keys.js';
import {
  findStandingProblem,
  readChainGenesisHash,
  readWorker,
  readWorkerState,
  type StandingProblem,
  setWorkerState,
} from '../registry/workers.js';
import { governanceCall, type RuntimeContext, signedCall } from '../support/dispatch.js';
import { ensure, fail } from '../support/errors.js';
import { type GatekeeperErrorName, GatekeeperErrors } from './errors.js';
import { GatekeeperEvents } from './events.js';
import {
  EncryptedKeys,
  Gatekeepers,
  MasterPubkey,
  SequenceExpiries,
  SharedMasterKeys,
  UsedSequences,
} from './storage.js';
import {
  GatekeeperArgs,
  isSequenceInWindow,
  MAX_ENCRYPTED_KEY_BYTES,
  MAX_GATEKEEPERS,
  MIN_ENCRYPTED_KEY_BYTES,
  ProvisionArgs,
  provisionPayload,
  SEQUENCE_WINDOW_BLOCKS,
  SetMasterPubkeyArgs,
  ShareMasterKeyArgs,
  sequenceMadeAt,
  setMasterPubkeyPayload,
  shareMasterKeyPayload,
} from './types.js';

function isGatekeeper(ctx: RuntimeContext, key: Uint8Array): boolean {
  return (Gatekeepers.get(ctx.state) ?? []).some((member) => equalBytes(member, key));
}

/**
 * Registered or Provisioned by its state alone. Not `isActiveWorker`, which also refuses a lapsed
 * registration: `ensureStanding` checks that next, with an error that says the registration expired.
 */
function holdsActiveState(ctx: RuntimeContext, worker: Uint8Array): boolean {
  const state = readWorkerState(ctx.state, worker);
  return state === 'Registered' || state === 'Provisioned';
}

/** The chain's genesis hash; every signed message is bound to it. Known from block 1 on. */
function genesisHashOf(ctx: RuntimeContext): Uint8Array {
  const hash = readChainGenesisHash(ctx.state);
  // Extrinsics run from block 1 on, whose hook records it: missing would be a kernel bug.
  if (hash === undefined) throw new Error('gatekeeper: chain genesis hash unknown');
  return hash;
}

/**
 * Checks a master-signed message and its sequence number: inside its window, then unused. The
 * window check is what makes pruning the used set safe (hooks.ts): a number old enough to have been
 * dropped is refused here before the set is even looked at.
 */
function acceptMasterMessage(
  ctx: RuntimeContext,
  message: Uint8Array,
  signature: Uint8Array,
  seq: bigint,
): void {
  const master = MasterPubkey.get(ctx.state);
  ensure(master !== undefined, GatekeeperErrors.MasterKeyNotSet);
  ensure(ed25519Verify(master, message, signature), GatekeeperErrors.BadMasterSignature);
  ensure(isSequenceInWindow(seq, ctx.block.number), GatekeeperErrors.SequenceOutsideWindow);
  ensure(!UsedSequences.has(ctx.state, seq), GatekeeperErrors.SequenceReplayed);
}

/** Marks `seq` used until the first block outside its window, when the hook drops it. */
function useSequence(ctx: RuntimeContext, seq: bigint): void {
  UsedSequences.set(ctx.state, seq, ctx.block.number);
  SequenceExpiries.schedule(ctx.state, BigInt(sequenceMadeAt(seq) + SEQUENCE_WINDOW_BLOCKS + 1), seq);
}

/** Each way a registration stops standing is its own error; the Record keeps the mapping complete. */
const STANDING_ERRORS: Readonly<Record<StandingProblem, GatekeeperErrorName>> = {
  RegistrationExpired: 'RegistrationExpired',
  TcbStatusRefused: 'TcbStatusNoLongerAccepted',
  AdvisoryRefused: 'AdvisoryNoLongerAllowed',
  MeasurementNotAllowed: 'MeasurementNoLongerAllowed',
};

/**
 * A key goes only to a worker whose registration stands now: not expired at this block, and its
 * recorded attestation accepted by the policy in force, so that governance revoking a build or a TCB
 * level stops provisioning at once rather than at the worker's next re-attestation.
 */
function ensureStanding(ctx: RuntimeContext, worker: Uint8Array): void {
  const record = readWorker(ctx.state, worker);
  // Callers check the worker's state first, and Workers and WorkerStates have the same keys.
  if (record === undefined) throw new Error('gatekeeper: a worker with a state but no record');
  const problem = findStandingProblem(ctx.state, record, ctx.block.timestamp);
  if (problem !== undefined) fail(GatekeeperErrors[STANDING_ERRORS[problem]]);
}

function checkBox(encryptedKey: Uint8Array): void {
  ensure(
    encryptedKey.length >= MIN_ENCRYPTED_KEY_BYTES && encryptedKey.length <= MAX_ENCRYPTED_KEY_BYTES,
    GatekeeperErrors.InvalidEncryptedKey,
  );
}

export const gatekeeperCallDefinitions = {
  addGatekeeper: governanceCall(GatekeeperArgs, (ctx, { gatekeeper }) => {
    ensure(holdsActiveState(ctx, gatekeeper), GatekeeperErrors.NotRegisteredWorker);
    ensureStanding(ctx, gatekeeper);
    const set = Gatekeepers.get(ctx.state) ?? [];
    ensure(!set.some((member) => equalBytes(member, gatekeeper)), GatekeeperErrors.AlreadyGatekeeper);
    ensure(set.length < MAX_GATEKEEPERS, GatekeeperErrors.TooManyGatekeepers);
    Gatekeepers.set(ctx.state, [...set, gatekeeper]);
    GatekeeperEvents.GatekeeperAdded.emit(ctx, { gatekeeper });
  }),

  removeGatekeeper: governanceCall(GatekeeperArgs, (ctx, { gatekeeper }) => {
    const set = Gatekeepers.get(ctx.state) ?? [];
    ensure(
      set.some((member) => equalBytes(member, gatekeeper)),
      GatekeeperErrors.NotGatekeeper,
    );
    Gatekeepers.set(
      ctx.state,
      set.filter((member) => !equalBytes(member, gatekeeper)),
    );
    // A box addressed to a removed gatekeeper is of no further use to anyone.
    SharedMasterKeys.delete(ctx.state, gatekeeper);
    GatekeeperEvents.GatekeeperRemoved.emit(ctx, { gatekeeper });
  }),

  setMasterPubkey: signedCall(SetMasterPubkeyArgs, (ctx, _who, { gatekeeper, masterPubkey, signature }) => {
    ensure(!MasterPubkey.has(ctx.state), GatekeeperErrors.MasterKeyAlreadySet);
    ensure(isGatekeeper(ctx, gatekeeper), GatekeeperErrors.NotGatekeeper);
    ensure(
      ed25519Verify(
        gatekeeper,
        setMasterPubkeyPayload(genesisHashOf(ctx), gatekeeper, masterPubkey),
        signature,
      ),
      GatekeeperErrors.BadGatekeeperSignature,
    );
    MasterPubkey.set(ctx.state, masterPubkey);
    GatekeeperEvents.MasterPubkeySet.emit(ctx, { gatekeeper, masterPubkey });
  }),

  shareMasterKey: signedCall(
    ShareMasterKeyArgs,
    (ctx, _who, { target, encryptedKey, seq, masterSignature }) => {
      checkBox(encryptedKey);
      acceptMasterMessage(
        ctx,
        shareMasterKeyPayload(genesisHashOf(ctx), target, encryptedKey, seq),
        masterSignature,
        seq,
      );
      ensure(isGatekeeper(ctx, target), GatekeeperErrors.NotGatekeeper);
      ensure(holdsActiveState(ctx, target), GatekeeperErrors.NotRegisteredWorker);
      ensureStanding(ctx, target);
      useSequence(ctx, seq);
      SharedMasterKeys.set(ctx.state, target, { encryptedKey, seq });
      GatekeeperEvents.MasterKeyShared.emit(ctx, { target, encryptedKey, seq });
    },
  ),

  provision: signedCall(ProvisionArgs, (ctx, _who, { worker, encryptedKey, seq, masterSignature }) => {
    checkBox(encryptedKey);
    acceptMasterMessage(
      ctx,
      provisionPayload(genesisHashOf(ctx), worker, encryptedKey, seq),
      masterSignature,
      seq,
    );
    const state = readWorkerState(ctx.state, worker);
    // Decision (README.md): a second provision is an error, so it changes nothing and says why.
    ensure(state !== 'Provisioned', GatekeeperErrors.AlreadyProvisioned);
    ensure(state === 'Registered', GatekeeperErrors.WorkerNotRegistered);
    ensureStanding(ctx, worker);
    useSequence(ctx, seq);
    EncryptedKeys.set(ctx.state, worker, { encryptedKey, seq });
    setWorkerState(ctx, worker, 'Provisioned');
    GatekeeperEvents.WorkerProvisioned.emit(ctx, { worker, encryptedKey, seq });
  }),
};
