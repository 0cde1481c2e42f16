// The gatekeeper role (DESIGN.md section 5), run by a worker's host each tick once governance has put
// the worker's key in the gatekeeper set:
// - no master public key on chain: publish one generated (and sealed) inside the gatekeeper core;
// - a master key on chain that this core lacks: take it from the `shareMasterKey` box addressed to it;
// - holding the master key: share it with every other gatekeeper that has no box yet, and provision
//   every Registered worker; each only after judging it itself (checkWorkerEvidence.ts) under the
//   chain's policy in force and at the time of the verified head, so that a revoked build, a refused
//   TCB level or an expired registration gets no key, whatever it was registered under.
// Everything acted on is proven against a verified header; the node only suggests candidates (a key
// listing) and serves the blocks in which registrations arrived, checked against extrinsics roots.
// Each worker's handling is isolated: whatever fails for one (its evidence, its key, its message) is
// logged and that worker alone is skipped, backed off in blocks (createFailureBackoff.ts), while the
// others are served in the same tick. Only the node's own faults (an unreachable node, a bad proof)
// end the tick, since then nothing it says this tick can be relied on.

import { getStoragePage } from '../../client/getStoragePage.js';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { ExtrinsicCodec } from '../../codec/chain.js';
import { RpcError } from '../../codec/errors.js';
import { blake2b256 } from '../../codec/hash.js';
import { decodeExact } from '../../codec/scale.js';
import {
  Gatekeepers,
  MasterPubkey,
  SharedMasterKeys,
  UsedSequences,
} from '../../runtime/gatekeeper/storage.js';
import {
  gatekeeperCalls,
  ProvisionArgs,
  provisionPayload,
  sequenceNumber,
  setMasterPubkeyPayload,
  shareMasterKeyPayload,
} from '../../runtime/gatekeeper/types.js';
import { Policy, WorkerStates, Workers } from '../../runtime/registry/storage.js';
import {
  ExpireArgs,
  RegisterWorkerArgs,
  type RegistryPolicy,
  WorkerInfoCodec,
  type WorkerRecord,
  type WorkerState,
} from '../../runtime/registry/types.js';
import type { EnclaveCore } from '../enclave/enclaveCore.js';
import { decodeItem, LightClientError } from '../enclave/lightClient.js';
import type { RoleContext, WorkerRole } from '../host/createWorkerHost.js';
import { WorkerError } from '../host/errors.js';
import type { VerifiedBlock } from '../host/followChain.js';
import { checkWorkerEvidence } from './checkWorkerEvidence.js';
import { createFailureBackoff, type FailureBackoffOptions } from './createFailureBackoff.js';
import type { GatekeeperCore } from './createGatekeeperCore.js';
import {
  createRegistrationBook,
  decodeRegistrationBook,
  encodeRegistrationBook,
  type RegistrationBookOptions,
} from './createRegistrationBook.js';

export interface GatekeeperRoleOptions {
  readonly core: EnclaveCore;
  readonly gatekeeper: GatekeeperCore;
  /** A message submitted but not yet effective is resubmitted after this many blocks. Default 10. */
  readonly retryAfterBlocks?: number;
  /** Most candidates listed per tick. Default 1000. */
  readonly pageSize?: number;
  /** How long a worker that failed is skipped, and how many such workers are remembered. */
  readonly failureBackoff?: FailureBackoffOptions;
  /** How many workers' registration evidence is kept (createRegistrationBook.ts). */
  readonly registrations?: RegistrationBookOptions;
}

export interface GatekeeperStatus {
  readonly isGatekeeper: boolean;
  readonly masterPubkey: Uint8Array | undefined;
  readonly holdsMasterKey: boolean;
  readonly provisioned: number;
  readonly shared: number;
  /** Workers and gatekeepers currently skipped after a failure (bounded). */
  readonly backedOff: number;
  /** Workers whose registration evidence is kept (bounded). */
  readonly registrationsKept: number;
  /** Messages submitted whose retry is not due yet (at most those of the last `retryAfterBlocks`). */
  readonly inFlight: number;
}

export interface GatekeeperRole extends WorkerRole {
  status(): GatekeeperStatus;
}

const REGISTERED_BYTE = WorkerStates.valueCodec.enc('Registered');

/** The node failed us (unreachable, or an answer the light client refused): no worker is to blame. */
function isNodeFault(error: unknown): boolean {
  return (
    error instanceof LightClientError ||
    error instanceof RpcError ||
    (error instanceof WorkerError && error.code === 'BadNodeAnswer')
  );
}

function refuse(message: string, details: Record<string, unknown>): never {
  throw new WorkerError('EvidenceRejected', message, details);
}

/**
 * Sequence numbers: the chain accepts each once, and only within SEQUENCE_WINDOW_BLOCKS of the block
 * it names (runtime/gatekeeper/types.ts), so that it can forget used ones. A gatekeeper names its
 * verified head and tags the number from what the message is about (the action, its subject and the
 * attestation it answers), so racing gatekeepers at the same head pick the same number for the same
 * decision and exactly one of them wins; from different heads, the chain's state refuses the second
 * (`AlreadyProvisioned`), and a second master key box merely replaces the first.
 */
function deriveSeq(
  madeAt: number,
  action: string,
  subject: Uint8Array,
  context: bigint,
  attempt: number,
): bigint {
  const digest = blake2b256(
    new TextEncoder().encode(`phalanx/gatekeeper-seq/${action}/${bytesToHex(subject)}/${context}/${attempt}`),
  );
  const tag = ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
  return sequenceNumber(madeAt, tag);
}

export function createGatekeeperRole(options: GatekeeperRoleOptions): GatekeeperRole {
  const { core, gatekeeper } = options;
  const retryAfter = options.retryAfterBlocks ?? 10;
  const pageSize = options.pageSize ?? 1000;
  const failures = createFailureBackoff(options.failureBackoff);
  /** Latest registration seen per worker: its WorkerInfo and evidence, from verified block bodies. */
  const registrations = createRegistrationBook(options.registrations);
  /** In-flight messages: key -> block number when submitted (dropped once the retry is due). */
  const inFlight = new Map<string, number>();
  let isGatekeeper = false;
  let masterPubkey: Uint8Array | undefined;
  let provisioned = 0;
  let shared = 0;
  let announcedNotGatekeeper = false;

  const mayAct = (key: string, head: number): boolean => {
    const since = inFlight.get(key);
    return since === undefined || head - since >= retryAfter;
  };

  const onBlock = (block: VerifiedBlock): void => {
    for (const [index, bytes] of block.extrinsics.entries()) {
      // A failed registration is harmless to remember: it is used only if its WorkerInfo is the one
      // the chain then proves it recorded.
      const outcome = block.receipts[index]?.outcome;
      if (outcome?.ok === false) continue;
      try {
        const { call } = decodeExact(ExtrinsicCodec, bytes, 'extrinsic');
        const name = `${call.module}.${call.call}`;
        if (name === 'registry.registerWorker') {
          const args = decodeExact(RegisterWorkerArgs, call.args, 'registry.registerWorker');
          const worker = bytesToHex(args.info.pubkey);
          registrations.record(worker, args);
          // A new attestation deserves a fresh look, however the last one fared.
          failures.succeeded(`provision:${worker}`);
          failures.succeeded(`share:${worker}`);
        } else if (outcome?.ok === true && name === 'gatekeeper.provision') {
          // Only memory rides on the (unverified) receipt: a false one at worst costs a worker its
          // evidence here, never anyone a key. Provisioned, it needs it only to become a gatekeeper.
          const { worker } = decodeExact(ProvisionArgs, call.args, 'gatekeeper.provision');
          registrations.provisioned(bytesToHex(worker));
        } else if (outcome?.ok === true && name === 'registry.expire') {
          const { worker } = decodeExact(ExpireArgs, call.args, 'registry.expire');
          registrations.forget(bytesToHex(worker));
        }
      } catch {
        // Not ours to judge: the chain refuses malformed calls; we only skip them.
      }
    }
  };

  /**
   * The record of `worker` if it may be given a key now: in one of `states` and judged good by
   * checkWorkerEvidence under `policy` at the verified head. Undefined when it is not in those states;
   * a WorkerError('EvidenceRejected') when it is but must not get a key.
   */
  const judge = async (
    ctx: RoleContext,
    worker: Uint8Array,
    states: readonly WorkerState[],
    policy: RegistryPolicy,
  ): Promise<WorkerRecord | undefined> => {
    const head = ctx.lightClient.head();
    const stateBytes = await ctx.readProven(WorkerStates.keyOf(worker));
    const state = stateBytes === undefined ? undefined : decodeItem(WorkerStates, stateBytes);
    if (state === undefined || !states.includes(state)) return undefined;
    const recordBytes = await ctx.readProven(Workers.keyOf(worker));
    if (recordBytes === undefined) refuse('the worker has a state but no record', { reason: 'NoRecord' });
    const record: WorkerRecord = decodeItem(Workers, recordBytes);
    const seen = registrations.get(bytesToHex(worker));
    if (!seen || !equalBytes(WorkerInfoCodec.enc(seen.info), WorkerInfoCodec.enc(record.info))) {
      refuse('no registration evidence seen for the WorkerInfo the chain recorded', { reason: 'NoEvidence' });
    }
    try {
      checkWorkerEvidence({
        record,
        evidence: seen.evidence,
        policy,
        genesisHash: ctx.lightClient.genesisHash,
        atMs: head.header.timestamp,
      });
    } catch (error) {
      // An expired registration can earn no key again: the worker's next one will be recorded anew.
      if (error instanceof WorkerError && error.details.reason === 'RegistrationExpired')
        registrations.forget(bytesToHex(worker));
      throw error;
    }
    return record;
  };

  /**
   * Runs one worker's `work`. A failure of the worker's own is logged and backs that worker off;
   * a fault of the node ends the tick (rethrown), since then no answer of this tick can be trusted.
   */
  const isolated = async (
    ctx: RoleContext,
    key: string,
    target: Uint8Array,
    work: () => Promise<void>,
  ): Promise<void> => {
    const head = ctx.lightClient.head().header.number;
    if (!failures.mayTry(key, head)) return;
    try {
      await work();
    } catch (error) {
      if (isNodeFault(error)) throw error;
      const retryAt = failures.failed(key, head);
      ctx.logger.warn(
        { target: bytesToHex(target), err: error, retryAt },
        `${key.split(':')[0]} skipped for this worker until block ${retryAt}`,
      );
      return;
    }
    failures.succeeded(key);
  };

  const provisionWorker = async (
    ctx: RoleContext,
    worker: Uint8Array,
    master: Uint8Array,
    policy: RegistryPolicy,
  ): Promise<void> => {
    const head = ctx.lightClient.head();
    const key = `provision:${bytesToHex(worker)}`;
    if (!mayAct(key, head.header.number)) return;
    const record = await judge(ctx, worker, ['Registered'], policy);
    if (record === undefined) return;
    const encryptedKey = gatekeeper.networkKeyBoxFor(master, record.info.ecdhPubkey);
    const seq = await freshSeq(ctx, 'provision', worker, record.attestation.attestedAt);
    const masterSignature = gatekeeper.signAsMaster(
      master,
      provisionPayload(ctx.lightClient.genesisHash, worker, encryptedKey, seq),
    );
    await ctx.submitter.submit(gatekeeperCalls.provision({ worker, encryptedKey, seq, masterSignature }));
    inFlight.set(key, head.header.number);
    provisioned++;
    ctx.logger.info({ target: bytesToHex(worker), seq: seq.toString() }, 'provision submitted');
  };

  /** The derived sequence, or the next derivation if that one is proven used already. */
  const freshSeq = async (
    ctx: RoleContext,
    action: string,
    subject: Uint8Array,
    context: bigint,
  ): Promise<bigint> => {
    const madeAt = ctx.lightClient.head().header.number;
    for (let attempt = 0; attempt < 8; attempt++) {
      const seq = deriveSeq(madeAt, action, subject, context, attempt);
      if ((await ctx.readProven(UsedSequences.keyOf(seq))) === undefined) return seq;
    }
    throw new WorkerError('SubmissionFailed', `no unused sequence number for ${action}`);
  };

  const shareWith = async (
    ctx: RoleContext,
    target: Uint8Array,
    master: Uint8Array,
    policy: RegistryPolicy,
  ): Promise<void> => {
    const head = ctx.lightClient.head();
    const key = `share:${bytesToHex(target)}`;
    if (!mayAct(key, head.header.number)) return;
    if ((await ctx.readProven(SharedMasterKeys.keyOf(target))) !== undefined) return;
    // Governance put it in the set, but the master key is the network's: judged like any worker.
    const record = await judge(ctx, target, ['Registered', 'Provisioned'], policy);
    if (record === undefined)
      refuse('the gatekeeper is not a Registered or Provisioned worker', { reason: 'NotActive' });
    const encryptedKey = gatekeeper.masterKeyBoxFor(master, record.info.ecdhPubkey);
    const seq = await freshSeq(ctx, 'shareMasterKey', target, BigInt(head.header.number));
    const masterSignature = gatekeeper.signAsMaster(
      master,
      shareMasterKeyPayload(ctx.lightClient.genesisHash, target, encryptedKey, seq),
    );
    await ctx.submitter.submit(
      gatekeeperCalls.shareMasterKey({ target, encryptedKey, seq, masterSignature }),
    );
    inFlight.set(key, head.header.number);
    shared++;
    ctx.logger.info({ target: bytesToHex(target) }, 'master key shared');
  };

  const onTick = async (ctx: RoleContext): Promise<void> => {
    const head = ctx.lightClient.head();
    // A mark matters only until its retry is due (mayAct): dropped then, so the map holds at most
    // the messages of the last `retryAfter` blocks however long the gatekeeper runs.
    for (const [key, since] of inFlight) {
      if (head.header.number - since >= retryAfter) inFlight.delete(key);
    }
    const setBytes = await ctx.readProven(Gatekeepers.key);
    const set = setBytes === undefined ? [] : decodeItem(Gatekeepers, setBytes);
    isGatekeeper = set.some((member) => equalBytes(member, core.pubkey));
    if (!isGatekeeper) {
      if (!announcedNotGatekeeper)
        ctx.logger.info('started as gatekeeper; waiting for governance to add this worker');
      announcedNotGatekeeper = true;
      return;
    }
    announcedNotGatekeeper = false;

    const masterBytes = await ctx.readProven(MasterPubkey.key);
    masterPubkey = masterBytes === undefined ? undefined : decodeItem(MasterPubkey, masterBytes);
    if (masterPubkey === undefined) {
      if (!mayAct('publish', head.header.number)) return;
      const candidate = gatekeeper.masterKeyToPublish();
      const signature = core.sign(
        setMasterPubkeyPayload(ctx.lightClient.genesisHash, core.pubkey, candidate),
      );
      await ctx.submitter.submit(
        gatekeeperCalls.setMasterPubkey({ gatekeeper: core.pubkey, masterPubkey: candidate, signature }),
      );
      inFlight.set('publish', head.header.number);
      ctx.logger.info({ masterPubkey: bytesToHex(candidate) }, 'master public key submitted');
      return;
    }
    const master = masterPubkey;
    if (!gatekeeper.holdsMaster(master)) {
      const boxBytes = await ctx.readProven(SharedMasterKeys.keyOf(core.pubkey));
      if (boxBytes === undefined) {
        ctx.logger.debug('waiting for a gatekeeper to share the master key');
        return;
      }
      const box = decodeItem(SharedMasterKeys, boxBytes);
      gatekeeper.acceptSharedMasterKey(box.encryptedKey, master);
      ctx.logger.info({ masterPubkey: bytesToHex(master) }, 'received the master key');
    }

    // The policy in force at the verified head decides every key handed out this tick.
    const policyBytes = await ctx.readProven(Policy.key);
    if (policyBytes === undefined) return;
    const policy = decodeItem(Policy, policyBytes);

    for (const member of set) {
      if (equalBytes(member, core.pubkey)) continue;
      await isolated(ctx, `share:${bytesToHex(member)}`, member, () =>
        shareWith(ctx, member, master, policy),
      );
    }
    // Candidates come from an unproven listing; each is then proven before anything is done for it.
    let startAfter: Uint8Array | undefined;
    for (;;) {
      const page = await getStoragePage(ctx.client, WorkerStates.prefix, {
        limit: pageSize,
        ...(startAfter ? { startAfter } : {}),
      });
      for (const entry of page) {
        if (entry.value.length !== 1 || entry.value[0] !== REGISTERED_BYTE[0]) continue;
        const worker = entry.key.subarray(WorkerStates.prefix.length);
        if (worker.length !== 32) continue;
        await isolated(ctx, `provision:${bytesToHex(worker)}`, worker, () =>
          provisionWorker(ctx, worker, master, policy),
        );
      }
      if (page.length < pageSize) break;
      startAfter = page.at(-1)!.key;
    }
  };

  return {
    name: 'gatekeeper',
    onBlock,
    onTick,
    // What the gatekeeper learnt from blocks is the registrations it keeps; a restart from the light
    // client checkpoint resumes them, since the blocks they came from are not seen again. Back-off
    // and in-flight marks are not kept: at worst a restarted gatekeeper tries one worker again early.
    view: {
      save: () => encodeRegistrationBook(registrations.snapshot()),
      restore: (saved) => registrations.load(decodeRegistrationBook(saved)),
    },
    status: () => ({
      isGatekeeper,
      masterPubkey,
      holdsMasterKey: masterPubkey !== undefined && gatekeeper.holdsMaster(masterPubkey),
      provisioned,
      shared,
      backedOff: failures.size,
      registrationsKept: registrations.size,
      inFlight: inFlight.size,
    }),
  };
}
