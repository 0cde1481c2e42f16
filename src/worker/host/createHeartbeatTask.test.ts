// Heartbeats end to end in one process: a real node and RPC server on 127.0.0.1, a sim worker (real
// sealing, quotes and signatures) that registers, provisions itself as the gatekeeper and benchmarks;
// the test bonds and starts its session through extrinsics, and the chain's events say what became
// of its challenges.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { createSimPki } from '../../attestation/sim/index.js';
import { SIM_DEFAULT_MRENCLAVE } from '../../attestation/sim/simDefaults.js';
import { callMethod } from '../../client/callMethod.js';
import { createHttpClient } from '../../client/createHttpClient.js';
import { getBlockHash } from '../../client/getBlockHash.js';
import { getEvents } from '../../client/getEvents.js';
import type { RpcClient } from '../../client/types.js';
import { toHex, utf8 } from '../../codec/bytes.js';
import type { Call } from '../../codec/chain.js';
import { devKeypair } from '../../codec/devKeys.js';
import { createNode, type Node } from '../../node/createNode.js';
import { createSoloEngine } from '../../node/ordering/createSoloEngine.js';
import type { OrderingEngine } from '../../node/ordering/orderingEngine.js';
import { createRpcServer } from '../../node/rpc/createRpcServer.js';
import { computationRpc } from '../../runtime/computation/schemas.js';
import { computationCalls, HeartbeatArgs } from '../../runtime/computation/types.js';
import { gatekeeperCalls } from '../../runtime/gatekeeper/types.js';
import {
  createDevGenesisConfig,
  DEV_HEARTBEAT_WINDOW,
  DEV_MIN_STAKE,
} from '../../runtime/genesis/createDevGenesisConfig.js';
import { governanceCalls } from '../../runtime/governance/types.js';
import { stakingRpc } from '../../runtime/staking/schemas.js';
import { stakingCalls } from '../../runtime/staking/types.js';
import { createEnclaveCore, type EnclaveCore } from '../enclave/enclaveCore.js';
import { createSimEvidenceProvider } from '../enclave/evidence/createSimEvidenceProvider.js';
import { createSimSealingProvider } from '../enclave/sealing/createSimSealingProvider.js';
import { createGatekeeperCore } from '../gatekeeper/createGatekeeperCore.js';
import { createGatekeeperRole } from '../gatekeeper/createGatekeeperRole.js';
import { sleep } from './backoff.js';
import { createSimCollateralSource } from './collateralSource.js';
import { createHeartbeatTask } from './createHeartbeatTask.js';
import { createSubmitter, type Submitter } from './createSubmitter.js';
import { createWorkerHost, type WorkerStatus } from './createWorkerHost.js';
import { bootstrapLightClient, syncLightClient } from './followChain.js';
import { pinGenesis } from './pinGenesis.js';

const GENESIS_TIME = 1_700_000_000_000;
const root = mkdtempSync(join(tmpdir(), 'phalanx-heartbeat-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = (what: string) => join(root, `${what}-${counter++}`);

const pki = createSimPki({ seed: utf8('heartbeat task tests'), now: GENESIS_TIME / 1000 - 3600 });
const dev = createDevGenesisConfig({ simRoots: [pki.rootCertDer] });
// Challenges as often as the chain allows (one open at a time per worker), so a test sees several
// in seconds; the window and everything else as on a devnet.
const genesis = {
  ...dev,
  computation: { ...dev.computation, maxChallengesPerHour: 3600 },
  timestamp: GENESIS_TIME,
};
// For the restart: a random challenge at most once per RESTART_GAP_BLOCKS blocks (of one second of
// chain time each) and no forced one within the test, so that the chain leaves the worker alone while
// it is down and challenges it again at a block the test can wait for.
const RESTART_GAP_BLOCKS = 300;
const restartGenesis = {
  ...genesis,
  computation: {
    ...genesis.computation,
    maxChallengesPerHour: 3600 / RESTART_GAP_BLOCKS,
    maxSilence: 10_000,
  },
};
/**
 * The chain's pace after the restart (`phalanx devnet --block-time 1000`): heartbeatWindow is 10 s.
 * Catching up costs 5 to 8 ms a header here (two RPC round trips each): 1.5 to 2.5 s for the test's
 * 300, about 5 s on a loaded machine, which still answers in time; at the devnet's default 500 ms
 * the window is 5 s.
 */
const RESTART_BLOCK_TIME_MS = 1000;
const operator = devKeypair('charlie');

interface Chain {
  node: Node;
  url: string;
  client: RpcClient;
  close(): Promise<void>;
}

async function startChain(config: object = genesis): Promise<Chain> {
  // One second of chain time per clock reading: timestamps move without the wall clock.
  let now = GENESIS_TIME;
  const node = createNode({
    dataDir: fresh('node'),
    genesis: config,
    role: { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
    blockIntervalMs: 150,
    clock: () => {
      now += 1000;
      return now;
    },
  });
  const server = await createRpcServer({ chain: node, host: '127.0.0.1', port: 0 });
  await node.start();
  const client = createHttpClient(server.url, { timeoutMs: 5000 });
  return {
    node,
    url: server.url,
    client,
    async close() {
      await client.close();
      await server.close();
      await node.stop();
    },
  };
}

/** A worker's data folder and its machine (whose sealing key opens what the worker sealed there). */
interface WorkerFolder {
  dataDir: string;
  machineDir: string;
}

interface Worker {
  folder: WorkerFolder;
  core: EnclaveCore;
  genesisHash: Uint8Array;
  status(): WorkerStatus;
  onStatus(listener: (status: WorkerStatus) => void): () => void;
  stop(): Promise<void>;
}

/**
 * A sim worker process on `folder` (a new one by default): a new enclave core and a real host running
 * it, with the gatekeeper role; on a folder it ran on before, it resumes as that worker.
 */
async function startWorker(
  chain: Chain,
  folder: WorkerFolder = { dataDir: fresh('worker'), machineDir: fresh('machine') },
): Promise<Worker> {
  const { dataDir, machineDir } = folder;
  const sealing = createSimSealingProvider({ machineDir, measurement: SIM_DEFAULT_MRENCLAVE });
  const core = await createEnclaveCore({
    dataDir,
    sealing,
    evidence: createSimEvidenceProvider({ pki, tee: 'sgx' }),
    benchmarkBlocks: 2,
  });
  const client = createHttpClient(chain.url, { timeoutMs: 5000 });
  const genesisHash = await pinGenesis({ client, dataDir, sealing });
  const role = createGatekeeperRole({
    core,
    gatekeeper: createGatekeeperCore({ dataDir, sealing }),
    retryAfterBlocks: 20,
  });
  const host = createWorkerHost({
    client,
    core,
    operator,
    collateral: createSimCollateralSource(pki),
    genesisHash,
    roles: [role],
    pollIntervalMs: 20,
    random: () => 0.5,
    now: () => GENESIS_TIME,
  });
  const controller = new AbortController();
  const running = host.run(controller.signal);
  return {
    folder,
    core,
    genesisHash,
    status: () => host.status(),
    onStatus: (listener) => host.onStatus(listener),
    async stop() {
      controller.abort();
      await running;
      await client.close();
    },
  };
}

/** A sim worker that provisions itself as the gatekeeper and benchmarks, run by a real host. */
async function startProvisionedWorker(chain: Chain): Promise<Worker> {
  const worker = await startWorker(chain);
  let appointed = false;
  await until('the worker to register, be appointed and benchmark', async () => {
    const status = worker.status();
    if (!appointed && status.state === 'Registered') {
      await submit(
        chain,
        governanceCalls.sudo(gatekeeperCalls.addGatekeeper(worker.core.pubkey)),
        devKeypair('alice'),
      );
      appointed = true;
    }
    return (
      status.state === 'Provisioned' &&
      status.benchmarksSubmitted >= 1 &&
      (await hasBenchmark(chain, worker.core))
    );
  });
  return worker;
}

// One submitter per chain and signer, so that its nonces follow the pool.
const submitters = new WeakMap<Chain, Map<string, Submitter>>();
async function submit(chain: Chain, call: Call, signer = operator): Promise<Uint8Array> {
  const key = toHex(signer.publicKey);
  const ofChain = submitters.get(chain) ?? new Map<string, Submitter>();
  submitters.set(chain, ofChain);
  let submitter = ofChain.get(key);
  if (!submitter) {
    const genesisHash = (await getBlockHash(chain.client, 0))!;
    submitter = createSubmitter({ client: chain.client, operator: signer, genesisHash });
    ofChain.set(key, submitter);
  }
  return submitter.submit(call);
}

async function hasBenchmark(chain: Chain, core: EnclaveCore): Promise<boolean> {
  for (let number = 1; ; number++) {
    const hash = await getBlockHash(chain.client, number);
    if (!hash) return false;
    const events = (await getEvents(chain.client, hash))?.events ?? [];
    if (events.some((e) => e.name === 'BenchmarkReported' && e.fields.worker === toHex(core.pubkey)))
      return true;
  }
}

async function until<T>(
  what: string,
  probe: () => Promise<T | false | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== false && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function startSession(chain: Chain, core: EnclaveCore): Promise<void> {
  const worker = toHex(core.pubkey);
  await submit(chain, stakingCalls.bond(core.pubkey, 2n * DEV_MIN_STAKE));
  await until(
    'the stake',
    async () => (await callMethod(chain.client, stakingRpc.getStake, worker)) ?? undefined,
  );
  await submit(chain, computationCalls.start(core.pubkey));
  await until('the session', async () => {
    const session = await callMethod(chain.client, computationRpc.getSession, worker);
    return session?.state === 'Idle' || undefined;
  });
}

/** The computation events naming `worker`, with their block numbers, in blocks `from..` the head. */
async function livenessEvents(chain: Chain, worker: Uint8Array, from = 1) {
  const out: { block: number; name: string; fields: Record<string, unknown> }[] = [];
  for (let number = from; ; number++) {
    const hash = await getBlockHash(chain.client, number);
    if (!hash) return out;
    for (const e of (await getEvents(chain.client, hash))?.events ?? []) {
      if (e.module === 'computation' && e.fields.worker === toHex(worker)) {
        out.push({ block: number, name: e.name, fields: e.fields });
      }
    }
  }
}

/** Extrinsics the computation module refused (a heartbeat sent twice would be one), from the events. */
async function refusedHeartbeats(chain: Chain): Promise<string[]> {
  const refused: string[] = [];
  for (let number = 1; ; number++) {
    const hash = await getBlockHash(chain.client, number);
    if (!hash) return refused;
    for (const e of (await getEvents(chain.client, hash))?.events ?? []) {
      if (e.module === 'system' && e.name === 'ExtrinsicFailed' && e.fields.module === 'computation') {
        refused.push(`#${number} ${e.fields.module}.${e.fields.error}`);
      }
    }
  }
}

describe('the heartbeat task', () => {
  it('answers each challenge of its session with a heartbeat its enclave core signed, accepted once, none missed', {
    timeout: 180_000,
  }, async () => {
    const chain = await startChain();
    const worker = await startProvisionedWorker(chain);
    try {
      await startSession(chain, worker.core);
      const events = await until('three accepted heartbeats', async () => {
        const list = await livenessEvents(chain, worker.core.pubkey);
        return list.filter((e) => e.name === 'HeartbeatAccepted').length >= 3 ? list : undefined;
      });
      const challenged = events.filter((e) => e.name === 'Challenged');
      const accepted = events.filter((e) => e.name === 'HeartbeatAccepted');
      assert.deepEqual(
        events.filter((e) => e.name === 'HeartbeatMissed'),
        [],
        'no challenge missed',
      );
      // Each accepted heartbeat answers a challenge the chain issued, once, within its window.
      for (const beat of accepted) {
        const challenge = challenged.find((c) => c.fields.block === beat.fields.challengeBlock);
        assert.ok(challenge, `challenge at ${beat.fields.challengeBlock} was issued`);
        assert.ok(beat.block <= (challenge.fields.deadline as number));
      }
      assert.equal(new Set(accepted.map((e) => e.fields.challengeBlock)).size, accepted.length);
      const status = await until('the host to count them', async () =>
        worker.status().heartbeats.included >= 3 ? worker.status() : undefined,
      );
      assert.equal(status.heartbeats.session, 'Idle');
    } finally {
      await worker.stop();
      await chain.close();
    }
  });

  it('sends a heartbeat again when no block included it, before the deadline, and not once one is included', {
    timeout: 180_000,
  }, async () => {
    const chain = await startChain();
    const worker = await startProvisionedWorker(chain);
    // The host stops here: the test drives the task itself, over a submitter that loses the first
    // heartbeat on its way (as a node that drops it from its pool would).
    await worker.stop();
    try {
      const real = createSubmitter({ client: chain.client, operator, genesisHash: worker.genesisHash });
      const lc = await bootstrapLightClient(chain.client, worker.genesisHash);
      // Each heartbeat sent: its challenge and the verified head it went out at.
      const sent: { challengeBlock: number; head: number }[] = [];
      const lossy: Submitter = {
        operator: operator.publicKey,
        async submit(call) {
          const { challengeBlock } = HeartbeatArgs.dec(call.args);
          sent.push({ challengeBlock, head: lc.head().header.number });
          // The first never reaches the node.
          return sent.length === 1 ? new Uint8Array(32).fill(0xee) : real.submit(call);
        },
      };
      const task = createHeartbeatTask({
        core: worker.core,
        submitter: lossy,
        logger: pino({ level: 'silent' }),
        resubmitAfterBlocks: 2,
      });
      const follow = async () => {
        await syncLightClient(chain.client, lc, (block) => task.onBlock(block));
        await task.onTick(chain.client, lc);
      };
      await follow();
      const from = lc.head().header.number + 1;
      await startSession(chain, worker.core);
      const first = await until('an accepted heartbeat', async () => {
        await follow();
        const list = await livenessEvents(chain, worker.core.pubkey, from);
        return list.find((e) => e.name === 'HeartbeatAccepted');
      });
      // Some blocks more, in which nothing may be sent for the answered challenge.
      await until('five more blocks', async () => {
        await follow();
        return lc.head().header.number >= first.block + 5 || undefined;
      });
      const challengeBlock = first.fields.challengeBlock as number;
      const events = await livenessEvents(chain, worker.core.pubkey, from);
      const challenge = events.find((e) => e.name === 'Challenged' && e.fields.block === challengeBlock)!;
      const forIt = sent.filter((s) => s.challengeBlock === challengeBlock);
      assert.equal(forIt.length, 2, `sent once, lost, and sent again: ${JSON.stringify(sent)}`);
      assert.ok(forIt[1]!.head - forIt[0]!.head >= 2, 'sent again after resubmitAfterBlocks');
      assert.ok(first.block <= (challenge.fields.deadline as number), 'the second one came in time');
      assert.ok(task.status().included >= 1);
      assert.deepEqual(await refusedHeartbeats(chain), [], 'nothing was sent for an answered challenge');
    } finally {
      await chain.close();
    }
  });

  it('a worker restarted hundreds of blocks after its checkpoint verifies only the headers since and answers the challenge open at its restart within heartbeatWindow', {
    timeout: 180_000,
  }, async (t) => {
    const chain = await startChain(restartGenesis);
    const first = await startProvisionedWorker(chain);
    const pubkey = first.core.pubkey;
    const openChallenge = async () =>
      (await callMethod(chain.client, computationRpc.getSession, toHex(pubkey)))?.pending ?? null;
    let running: Worker | undefined = first;
    let sealer: OrderingEngine | undefined;
    try {
      await startSession(chain, first.core);
      await until('an accepted heartbeat', async () =>
        (await livenessEvents(chain, pubkey)).some((e) => e.name === 'HeartbeatAccepted'),
      );
      await until('the host to see it included', async () => first.status().heartbeats.included >= 1);
      // A clean stop seals the checkpoint at the host's verified head.
      await first.stop();
      running = undefined;
      const checkpoint = first.status().headNumber!;

      // While the worker is down the node's timer is paused and the test builds blocks back to back
      // until the chain challenges the worker again: that challenge is open when it comes back.
      await chain.node.engine.stop();
      const node = chain.node.chain;
      const authority = devKeypair('alice').secretSeed;
      assert.equal(await openChallenge(), null, 'no challenge open when it went down');
      let open: { block: number; deadline: number } | null = null;
      while (open === null) {
        assert.ok(
          node.head().block.header.number < checkpoint + 2 * RESTART_GAP_BLOCKS,
          'challenged again within twice the gap',
        );
        node.commitBlock(node.buildBlock(authority));
        open = await openChallenge();
      }
      const restartHead = node.head().block.header.number;
      assert.equal(open.block, restartHead);
      assert.equal(open.deadline, restartHead + DEV_HEARTBEAT_WINDOW);
      assert.ok(restartHead - checkpoint >= 250, `down for ${restartHead - checkpoint} blocks`);

      // The restart: the chain carries on at a devnet's pace from the challenge block while a new
      // process (new enclave core, new host) starts on the worker's folder.
      const restartedAt = performance.now();
      sealer = createSoloEngine({
        chain: node,
        authoritySeed: authority,
        blockIntervalMs: RESTART_BLOCK_TIME_MS,
        logger: pino({ level: 'silent' }),
      });
      await sealer.start();
      const second = await startWorker(chain, first.folder);
      running = second;
      let caughtUp: { status: WorkerStatus; ms: number } | undefined;
      let submittedMs: number | undefined;
      second.onStatus((status) => {
        const ms = performance.now() - restartedAt;
        if (!caughtUp && (status.headNumber ?? 0) >= restartHead) caughtUp = { status, ms };
        if (submittedMs === undefined && status.heartbeats.submitted >= 1) submittedMs = ms;
      });
      // The chain settles the challenge by its deadline: a heartbeat accepted, or a miss.
      const accepted = await until('the challenge open at the restart to be settled', async () =>
        (await livenessEvents(chain, pubkey, restartHead)).find(
          (e) => e.name === 'HeartbeatAccepted' || e.name === 'HeartbeatMissed',
        ),
      );
      const acceptedMs = performance.now() - restartedAt;
      assert.equal(accepted.name, 'HeartbeatAccepted', `the challenge at ${open.block} was missed`);

      // (a) It resumed from its checkpoint and verified the headers since, not the chain from genesis.
      assert.ok(caughtUp, 'caught up');
      assert.equal(caughtUp.status.resumedFrom, checkpoint);
      assert.equal(caughtUp.status.headersVerified, caughtUp.status.headNumber! - checkpoint);
      // (b) The challenge open at its restart is answered, within heartbeatWindow blocks of it.
      assert.equal(accepted.fields.challengeBlock, open.block);
      assert.ok(accepted.block <= open.deadline, `accepted at ${accepted.block}, deadline ${open.deadline}`);
      const events = await livenessEvents(chain, pubkey);
      assert.equal(
        events.filter((e) => e.name === 'HeartbeatAccepted' && e.fields.challengeBlock === open.block).length,
        1,
      );
      assert.deepEqual(
        events.filter((e) => e.name === 'HeartbeatMissed'),
        [],
        'no challenge missed, before, during or after the restart',
      );
      // And the restarted host knows it: the inclusion seen, the session Idle, still on the checkpoint's count.
      const status = await until('the host to see it included', async () =>
        second.status().heartbeats.included >= 1 ? second.status() : undefined,
      );
      assert.equal(status.heartbeats.session, 'Idle');
      assert.equal(status.headersVerified, status.headNumber! - checkpoint);
      t.diagnostic(
        `down ${restartHead - checkpoint} blocks (checkpoint at ${checkpoint}, challenged at ${open.block}); ` +
          `restart verified ${caughtUp.status.headersVerified} headers to catch up (${caughtUp.ms.toFixed(0)} ms), ` +
          `heartbeat submitted after ${submittedMs?.toFixed(0)} ms (${status.heartbeats.submitted} sent), accepted in block ${accepted.block} ` +
          `(${accepted.block - open.block} of ${DEV_HEARTBEAT_WINDOW} blocks, seen after ${acceptedMs.toFixed(0)} ms); ` +
          `refused: ${JSON.stringify(await refusedHeartbeats(chain))}`,
      );
    } finally {
      await running?.stop();
      await sealer?.stop();
      await chain.close();
    }
  });
});
