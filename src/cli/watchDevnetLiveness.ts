// The devnet's liveness set-up (issue 9, "Interfaces"), driven by new blocks like watchDevnetWorkers:
// once its workers are Provisioned and benchmarked, each worker's operator bonds DEVNET_STAKE behind
// it and starts its session (devnetSessionStep decides, from what the chain says); once every worker
// is in a session, alice deploys a sample contract with replicas = workers − 1, so that one eligible
// worker is spare and a frozen holder's contract has somewhere to move. It reports the first
// heartbeat the chain accepts, then stops watching. Everything goes through the node's public RPC,
// signed as the operators would sign (the workers' hosts submit with the same accounts; the shared
// submitter logic retries the nonce races).
import { callMethod } from '../client/callMethod.js';
import { createHttpClient } from '../client/createHttpClient.js';
import { getBlockHash } from '../client/getBlockHash.js';
import { getChainInfo } from '../client/getChainInfo.js';
import { getEvents } from '../client/getEvents.js';
import { listWorkers } from '../client/listWorkers.js';
import { encodeAddress } from '../codec/address.js';
import { hexToBytes, utf8 } from '../codec/bytes.js';
import { taggedHash } from '../codec/hash.js';
import type { Keypair } from '../codec/keys.js';
import { computationRpc } from '../runtime/computation/schemas.js';
import { computationCalls } from '../runtime/computation/types.js';
import { contractsRpc } from '../runtime/contracts/schemas.js';
import { contractsCalls } from '../runtime/contracts/types.js';
import { DEV_MIN_STAKE } from '../runtime/genesis/createDevGenesisConfig.js';
import { stakingRpc } from '../runtime/staking/schemas.js';
import { stakingCalls } from '../runtime/staking/types.js';
import { createSubmitter, type Submitter } from '../worker/host/createSubmitter.js';
import { devnetSessionStep } from './devnetSessionStep.js';

/** What the devnet bonds behind each worker: a slash of a few percent still leaves it above minStake. */
export const DEVNET_STAKE = 2n * DEV_MIN_STAKE;
/** The sample contract's code hash: it names no real code yet (execution comes in a later issue). */
export const DEVNET_SAMPLE_CODE_HASH = taggedHash('phalanx/devnet/sample-contract', utf8('v1'));
/** A step not visible on chain this many blocks later is submitted again. */
const RESUBMIT_AFTER_BLOCKS = 10;

export interface DevnetLivenessOptions {
  rpcUrl: string;
  /** The workers' operators (the gatekeeper's is not among them: it gets no session). */
  operators: readonly Keypair[];
  /** Deploys the sample contract and pays its deposit. */
  deployer: Keypair;
  /** Workers expected to start sessions. */
  expectedWorkers: number;
  report: (line: string) => void;
  onError: (error: unknown) => void;
}

export interface DevnetLivenessWatch {
  /** Call on every new block (number); checks run one at a time, skipping blocks while busy. */
  onHead(number: number): void;
  stop(): Promise<void>;
}

type Phase = 'sessions' | 'contract' | 'heartbeat' | 'done';

export function watchDevnetLiveness(options: DevnetLivenessOptions): DevnetLivenessWatch {
  const client = createHttpClient(options.rpcUrl);
  const operators = new Map(options.operators.map((k) => [encodeAddress(k.publicKey), k]));
  const submitters = new Map<string, Submitter>();
  // Worker (0x-hex) or "contract" → block of the last submission, so a step is not sent every block.
  const sentAt = new Map<string, number>();
  let phase: Phase = options.expectedWorkers > 0 ? 'sessions' : 'done';
  let nextEventBlock = 0;
  let busy: Promise<void> | undefined;
  let stopped = false;

  const submitterFor = async (keypair: Keypair): Promise<Submitter> => {
    const address = encodeAddress(keypair.publicKey);
    let submitter = submitters.get(address);
    if (!submitter) {
      const { genesisHash } = await getChainInfo(client);
      submitter = createSubmitter({ client, operator: keypair, genesisHash });
      submitters.set(address, submitter);
    }
    return submitter;
  };
  const mayAct = (key: string, head: number) => {
    const at = sentAt.get(key);
    return at === undefined || head - at >= RESUBMIT_AFTER_BLOCKS;
  };

  async function startSessions(head: number): Promise<void> {
    const workers = (await listWorkers(client)).filter((w) => operators.has(w.operator));
    let inSession = 0;
    for (const worker of workers) {
      const [stake, session] = await Promise.all([
        callMethod(client, stakingRpc.getStake, worker.pubkey),
        callMethod(client, computationRpc.getSession, worker.pubkey),
      ]);
      const state = session?.state;
      if (state === 'Idle' || state === 'Serving' || state === 'Unresponsive') inSession += 1;
      const step = devnetSessionStep({
        worker: { state: worker.state, benchmarked: worker.benchmark !== null },
        stake: stake ? BigInt(stake.active) : 0n,
        session: state,
        minStake: stake ? BigInt(stake.minStake) : DEV_MIN_STAKE,
        target: DEVNET_STAKE,
      });
      if (step === undefined || !mayAct(`${step.kind}:${worker.pubkey}`, head)) continue;
      const submitter = await submitterFor(operators.get(worker.operator)!);
      const key = hexToBytes(worker.pubkey);
      await submitter.submit(
        step.kind === 'bond' ? stakingCalls.bond(key, step.amount) : computationCalls.start(key),
      );
      sentAt.set(`${step.kind}:${worker.pubkey}`, head);
    }
    if (inSession >= options.expectedWorkers) {
      options.report(
        `${inSession} workers are in a session, each staked ${DEVNET_STAKE / DEV_MIN_STAKE}× minStake (block #${head})`,
      );
      phase = 'contract';
    }
  }

  async function deployContract(head: number): Promise<void> {
    const replicas = options.expectedWorkers - 1;
    const existing = await callMethod(client, contractsRpc.getAssignments);
    if (replicas < 1 || existing.length > 0) {
      phase = 'heartbeat';
      return;
    }
    if (!mayAct('contract', head)) return;
    const submitter = await submitterFor(options.deployer);
    await submitter.submit(contractsCalls.deploy(DEVNET_SAMPLE_CODE_HASH, replicas));
    sentAt.set('contract', head);
    options.report(`deploying a sample contract with ${replicas} replicas (one worker stays spare)`);
  }

  async function reportAssignments(): Promise<void> {
    const contracts = await callMethod(client, contractsRpc.getAssignments);
    for (const c of contracts) {
      options.report(
        `contract #${c.contract}: ${c.workers.length}/${c.replicas} replicas on ${c.workers.join(', ')}`,
      );
    }
  }

  /** Scans new blocks' events for the first accepted heartbeat. */
  async function watchHeartbeats(head: number): Promise<void> {
    if (nextEventBlock === 0) {
      await reportAssignments();
      nextEventBlock = head;
    }
    for (; nextEventBlock <= head; nextEventBlock++) {
      const hash = await getBlockHash(client, nextEventBlock);
      const events = hash ? ((await getEvents(client, hash))?.events ?? []) : [];
      const beat = events.find((e) => e.module === 'computation' && e.name === 'HeartbeatAccepted');
      if (beat) {
        options.report(
          `first heartbeat accepted: worker ${String(beat.fields.worker)} answered its challenge at #${String(beat.fields.challengeBlock)} in block #${nextEventBlock}`,
        );
        phase = 'done';
        return;
      }
    }
  }

  async function check(head: number): Promise<void> {
    if (phase === 'sessions') await startSessions(head);
    if (phase === 'contract') await deployContract(head);
    if (phase === 'heartbeat') await watchHeartbeats(head);
  }

  return {
    onHead(number) {
      if (stopped || busy || phase === 'done') return;
      busy = check(number)
        .catch((error: unknown) => {
          if (!stopped) options.onError(error);
        })
        .finally(() => {
          busy = undefined;
        });
    },
    async stop() {
      stopped = true;
      await busy;
      await client.close();
    },
  };
}
