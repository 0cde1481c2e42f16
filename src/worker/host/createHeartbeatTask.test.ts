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
import { createNode } from '../../node/createNode.js';
import { createRpcServer } from '../../node/rpc/createRpcServer.js';
import { computationRpc } from '../../runtime/computation/schemas.js';
import { computationCalls, HeartbeatArgs } from '../../runtime/computation/types.js';
import { gatekeeperCalls } from '../../runtime/gatekeeper/types.js';
import { createDevGenesisConfig, DEV_MIN_STAKE } from '../../runtime/genesis/createDevGenesisConfig.js';
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
const operator = devKeypair('charlie');

interface Chain {
  url: string;
  client: RpcClient;
  close(): Promise<void>;
}

async function startChain(): Promise<Chain> {
  // One second of chain time per clock reading: timestamps move without the wall clock.
  let now = GENESIS_TIME;
  const node = createNode({
    dataDir: fresh('node'),
    genesis,
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
    url: server.url,
    client,
    async close() {
      await client.close();
      await server.close();
      await node.stop();
    },
  };
}

interface Worker {
  core: EnclaveCore;
  genesisHash: Uint8Array;
  status(): WorkerStatus;
  stop(): Promise<void>;
}

/** A sim worker that provisions itself as the gatekeeper and benchmarks, run by a real host. */
async function startProvisionedWorker(chain: Chain): Promise<Worker> {
  const dataDir = fresh('worker');
  const sealing = createSimSealingProvider({
    machineDir: fresh('machine'),
    measurement: SIM_DEFAULT_MRENCLAVE,
  });
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
  let appointed = false;
  await until('the worker to register, be appointed and benchmark', async () => {
    const status = host.status();
    if (!appointed && status.state === 'Registered') {
      await submit(
        chain,
        governanceCalls.sudo(gatekeeperCalls.addGatekeeper(core.pubkey)),
        devKeypair('alice'),
      );
      appointed = true;
    }
    return (
      status.state === 'Provisioned' && status.benchmarksSubmitted >= 1 && (await hasBenchmark(chain, core))
    );
  });
  return {
    core,
    genesisHash,
    status: () => host.status(),
    async stop() {
      controller.abort();
      await running;
      await client.close();
    },
  };
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
});
