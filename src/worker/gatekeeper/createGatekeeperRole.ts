// The gatekeeper role (DESIGN.md section 5), run by a worker's host each tick once governance has put
// the worker's key in the gatekeeper set:
// - no master public key on chain: publish one generated (and sealed) inside the gatekeeper core;
// - a master key on chain that this core lacks: take it from the `shareMasterKey` box addressed to it;
// - holding the master key: share it with every other gatekeeper that has no box yet, and provision
//   every Registered worker whose evidence it re-checked itself.
// Everything acted on is proven against a verified header; the node only suggests candidates (a key
// listing) and serves the blocks in which registrations arrived, checked against extrinsics roots.

import { getStoragePage } from '../../client/getStoragePage.js';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { ExtrinsicCodec } from '../../codec/chain.js';
import { blake2b256 } from '../../codec/hash.js';
import { decodeExact, PublicKey32, u64, Vector } from '../../codec/scale.js';
import {
  EncryptedKeyCodec,
  gatekeeperCalls,
  provisionPayload,
  setMasterPubkeyPayload,
  shareMasterKeyPayload,
} from '../../runtime/gatekeeper/types.js';
import {
  type Evidence,
  RegisterWorkerArgs,
  RegistryPolicyCodec,
  type WorkerInfo,
  WorkerInfoCodec,
  type WorkerRecord,
  WorkerRecordCodec,
  WorkerStateCodec,
} from '../../runtime/registry/types.js';
import type { EnclaveCore } from '../enclave/enclaveCore.js';
import { decodeValue } from '../enclave/lightClient.js';
import {
  GATEKEEPERS_KEY,
  MASTER_PUBKEY_KEY,
  POLICY_KEY,
  sharedMasterKeyKey,
  usedSequenceKey,
  WORKER_STATES_PREFIX,
  workerRecordKey,
  workerStateKey,
} from '../host/chainKeys.js';
import type { RoleContext, WorkerRole } from '../host/createWorkerHost.js';
import { WorkerError } from '../host/errors.js';
import type { VerifiedBlock } from '../host/followChain.js';
import { createEvidenceChecker } from './checkWorkerEvidence.js';
import type { GatekeeperCore } from './createGatekeeperCore.js';

export interface GatekeeperRoleOptions {
  readonly core: EnclaveCore;
  readonly gatekeeper: GatekeeperCore;
  /** A message submitted but not yet effective is resubmitted after this many blocks. Default 10. */
  readonly retryAfterBlocks?: number;
  /** Most candidates listed per tick. Default 1000. */
  readonly pageSize?: number;
}

export interface GatekeeperStatus {
  readonly isGatekeeper: boolean;
  readonly masterPubkey: Uint8Array | undefined;
  readonly holdsMasterKey: boolean;
  readonly provisioned: number;
  readonly shared: number;
}

export interface GatekeeperRole extends WorkerRole {
  status(): GatekeeperStatus;
}

const REGISTERED_BYTE = WorkerStateCodec.enc('Registered');
const GatekeepersCodec = Vector(PublicKey32);

/**
 * Sequence numbers: the chain accepts each once and keeps no counter. A gatekeeper derives the number
 * from what the message is about (the action, its subject and the attestation it answers), so racing
 * gatekeepers pick the same number for the same decision and exactly one of them wins.
 */
function deriveSeq(action: string, subject: Uint8Array, context: bigint, attempt: number): bigint {
  const digest = blake2b256(
    new TextEncoder().encode(`phalanx/gatekeeper-seq/${action}/${bytesToHex(subject)}/${context}/${attempt}`),
  );
  let seq = 0n;
  for (let i = 0; i < 8; i++) seq = (seq << 8n) | BigInt(digest[i]!);
  return seq & ((1n << 63n) - 1n);
}

export function createGatekeeperRole(options: GatekeeperRoleOptions): GatekeeperRole {
  const { core, gatekeeper } = options;
  const retryAfter = options.retryAfterBlocks ?? 10;
  const pageSize = options.pageSize ?? 1000;
  const check = createEvidenceChecker();
  /** Latest registration seen per worker: its WorkerInfo and evidence, from verified block bodies. */
  const registrations = new Map<string, { info: WorkerInfo; evidence: Evidence }>();
  /** In-flight messages: key -> block number when submitted. */
  const inFlight = new Map<string, number>();
  /** Registrations (worker and attestation time) whose evidence this gatekeeper refused. */
  const refused = new Set<string>();
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
      if (block.receipts[index]?.outcome?.ok === false) continue;
      try {
        const { call } = decodeExact(ExtrinsicCodec, bytes, 'extrinsic');
        if (call.module !== 'registry' || call.call !== 'registerWorker') continue;
        const args = decodeExact(RegisterWorkerArgs, call.args, 'registry.registerWorker');
        registrations.set(bytesToHex(args.info.pubkey), args);
      } catch {
        // Not ours to judge: the chain refuses malformed calls; we only skip them.
      }
    }
  };

  const provisionWorker = async (
    ctx: RoleContext,
    worker: Uint8Array,
    master: Uint8Array,
    trustedRoots: readonly Uint8Array[],
  ): Promise<void> => {
    const head = ctx.lightClient.head();
    const key = `provision:${bytesToHex(worker)}`;
    if (!mayAct(key, head.header.number)) return;
    const stateBytes = await ctx.readProven(workerStateKey(worker));
    if (
      stateBytes === undefined ||
      decodeValue(WorkerStateCodec, stateBytes, 'registry.WorkerStates') !== 'Registered'
    )
      return;
    const recordBytes = await ctx.readProven(workerRecordKey(worker));
    if (recordBytes === undefined) return;
    const record: WorkerRecord = decodeValue(WorkerRecordCodec, recordBytes, 'registry.Workers');
    const refusal = `${bytesToHex(worker)}:${record.attestation.attestedAt}`;
    if (refused.has(refusal)) return;
    const seen = registrations.get(bytesToHex(worker));
    if (!seen || !equalBytes(WorkerInfoCodec.enc(seen.info), WorkerInfoCodec.enc(record.info))) {
      ctx.logger.warn(
        { target: bytesToHex(worker) },
        'no registration evidence seen for a Registered worker; skipping',
      );
      return;
    }
    try {
      check({
        info: record.info,
        evidence: seen.evidence,
        trustedRoots,
        genesisHash: ctx.lightClient.genesisHash,
        atMs: head.header.timestamp,
      });
    } catch (error) {
      // Refused here: not provisioned, and not looked at again until the worker re-attests.
      refused.add(refusal);
      ctx.logger.error(
        { target: bytesToHex(worker), err: error },
        'evidence re-check failed; not provisioning',
      );
      return;
    }
    const seq = await freshSeq(ctx, 'provision', worker, record.attestation.attestedAt);
    const encryptedKey = gatekeeper.networkKeyBoxFor(master, record.info.ecdhPubkey);
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
    for (let attempt = 0; attempt < 8; attempt++) {
      const seq = deriveSeq(action, subject, context, attempt);
      if ((await ctx.readProven(usedSequenceKey(u64.enc(seq)))) === undefined) return seq;
    }
    throw new WorkerError('SubmissionFailed', `no unused sequence number for ${action}`);
  };

  const shareWith = async (ctx: RoleContext, target: Uint8Array, master: Uint8Array): Promise<void> => {
    const head = ctx.lightClient.head();
    const key = `share:${bytesToHex(target)}`;
    if (!mayAct(key, head.header.number)) return;
    if ((await ctx.readProven(sharedMasterKeyKey(target))) !== undefined) return;
    const recordBytes = await ctx.readProven(workerRecordKey(target));
    if (recordBytes === undefined) return;
    const record = decodeValue(WorkerRecordCodec, recordBytes, 'registry.Workers');
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
    const setBytes = await ctx.readProven(GATEKEEPERS_KEY);
    const set =
      setBytes === undefined ? [] : decodeValue(GatekeepersCodec, setBytes, 'gatekeeper.Gatekeepers');
    isGatekeeper = set.some((member) => equalBytes(member, core.pubkey));
    if (!isGatekeeper) {
      if (!announcedNotGatekeeper)
        ctx.logger.info('started as gatekeeper; waiting for governance to add this worker');
      announcedNotGatekeeper = true;
      return;
    }
    announcedNotGatekeeper = false;

    const masterBytes = await ctx.readProven(MASTER_PUBKEY_KEY);
    masterPubkey =
      masterBytes === undefined
        ? undefined
        : decodeValue(PublicKey32, masterBytes, 'gatekeeper.MasterPubkey');
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
      const boxBytes = await ctx.readProven(sharedMasterKeyKey(core.pubkey));
      if (boxBytes === undefined) {
        ctx.logger.debug('waiting for a gatekeeper to share the master key');
        return;
      }
      const box = decodeValue(EncryptedKeyCodec, boxBytes, 'gatekeeper.SharedMasterKeys');
      gatekeeper.acceptSharedMasterKey(box.encryptedKey, master);
      ctx.logger.info({ masterPubkey: bytesToHex(master) }, 'received the master key');
    }

    for (const member of set) {
      if (!equalBytes(member, core.pubkey)) await shareWith(ctx, member, master);
    }

    const policyBytes = await ctx.readProven(POLICY_KEY);
    if (policyBytes === undefined) return;
    const policy = decodeValue(RegistryPolicyCodec, policyBytes, 'registry.Policy');
    // Candidates come from an unproven listing; each is then proven before anything is done for it.
    let startAfter: Uint8Array | undefined;
    for (;;) {
      const page = await getStoragePage(ctx.client, WORKER_STATES_PREFIX, {
        limit: pageSize,
        ...(startAfter ? { startAfter } : {}),
      });
      for (const entry of page) {
        if (entry.value.length !== 1 || entry.value[0] !== REGISTERED_BYTE[0]) continue;
        const worker = entry.key.subarray(WORKER_STATES_PREFIX.length);
        if (worker.length !== 32) continue;
        await provisionWorker(ctx, worker, master, policy.trustedRoots);
      }
      if (page.length < pageSize) break;
      startAfter = page.at(-1)!.key;
    }
  };

  return {
    name: 'gatekeeper',
    onBlock,
    onTick,
    status: () => ({
      isGatekeeper,
      masterPubkey,
      holdsMasterKey: masterPubkey !== undefined && gatekeeper.holdsMaster(masterPubkey),
      provisioned,
      shared,
    }),
  };
}
