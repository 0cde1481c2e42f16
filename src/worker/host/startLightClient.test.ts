// How a worker's light client starts and resumes, against a real in-process node and RPC server on
// 127.0.0.1 whose blocks the test builds one by one (the node's timer is not started), so that the
// number of headers a restarted worker verifies is known exactly. Sim workers with real sealing.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { createSimPki } from '../../attestation/sim/index.js';
import { SIM_DEFAULT_MRENCLAVE } from '../../attestation/sim/simDefaults.js';
import { createHttpClient } from '../../client/createHttpClient.js';
import type { RpcClient } from '../../client/types.js';
import { utf8 } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { createNode, type Node } from '../../node/createNode.js';
import { createRpcServer, type RpcServer } from '../../node/rpc/createRpcServer.js';
import { createDevGenesisConfig } from '../../runtime/genesis/createDevGenesisConfig.js';
import { CHECKPOINT_FILE } from '../enclave/createCheckpointStore.js';
import { createEnclaveCore, type EnclaveCore } from '../enclave/enclaveCore.js';
import { createSimEvidenceProvider } from '../enclave/evidence/createSimEvidenceProvider.js';
import { createSimSealingProvider } from '../enclave/sealing/createSimSealingProvider.js';
import { createGatekeeperCore } from '../gatekeeper/createGatekeeperCore.js';
import { createGatekeeperRole } from '../gatekeeper/createGatekeeperRole.js';
import { createSimCollateralSource } from './collateralSource.js';
import { createWorkerHost, type WorkerHost, type WorkerStatus } from './createWorkerHost.js';
import { syncLightClient } from './followChain.js';
import { startLightClient } from './startLightClient.js';

const GENESIS_TIME = 1_700_000_000_000;
const root = mkdtempSync(join(tmpdir(), 'phalanx-resume-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const fresh = (what: string) => join(root, `${what}-${dirs++}`);
const pki = createSimPki({ seed: utf8('light client resume tests'), now: GENESIS_TIME / 1000 - 3600 });
const genesis = { ...createDevGenesisConfig({ simRoots: [pki.rootCertDer] }), timestamp: GENESIS_TIME };

interface TestChain {
  readonly node: Node;
  readonly url: string;
  /** Builds and commits `count` blocks (with whatever the pool holds); returns the new best number. */
  build(count: number): number;
  close(): Promise<void>;
}

/** A node whose blocks come only from `build`; `stepMs` apart, so two chains of one genesis differ. */
async function openChain(stepMs = 1000, config: object = genesis): Promise<TestChain> {
  let now = GENESIS_TIME;
  const node = createNode({
    dataDir: fresh('node'),
    genesis: config,
    role: { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
    blockIntervalMs: 1000,
    clock: () => {
      now += stepMs;
      return now;
    },
  });
  const server: RpcServer = await createRpcServer({ chain: node, host: '127.0.0.1', port: 0 });
  return {
    node,
    url: server.url,
    build(count) {
      for (let i = 0; i < count; i++)
        node.chain.commitBlock(node.chain.buildBlock(devKeypair('alice').secretSeed));
      return node.chain.head().block.header.number;
    },
    async close() {
      await server.close();
      await node.stop();
    },
  };
}

/** A worker's data folder and machine; each `start` is a new process on them (new core, new host). */
function workerFolder() {
  const dataDir = fresh('worker');
  const machineDir = fresh('machine');
  const sealing = () => createSimSealingProvider({ machineDir, measurement: SIM_DEFAULT_MRENCLAVE });
  const core = () =>
    createEnclaveCore({
      dataDir,
      sealing: sealing(),
      evidence: createSimEvidenceProvider({ pki, tee: 'sgx' }),
    });
  return { dataDir, machineDir, sealing, core };
}

/** A pino logger whose records land in `records`. */
function capturingLogger() {
  const records: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, records };
}

function hostFor(
  core: EnclaveCore,
  client: RpcClient,
  genesisHash: Uint8Array,
  options: { logger?: pino.Logger; checkpointEveryBlocks?: number } = {},
): WorkerHost {
  return createWorkerHost({
    client,
    core,
    operator: devKeypair('bob'),
    collateral: createSimCollateralSource(pki),
    genesisHash,
    pollIntervalMs: 10,
    random: () => 0.5,
    now: () => GENESIS_TIME,
    ...options,
  });
}

/** Resolves with the first status after a tick that satisfies `predicate`. */
function waitForStatus(host: WorkerHost, predicate: (s: WorkerStatus) => boolean): Promise<WorkerStatus> {
  return new Promise((resolve, reject) => {
    let ticks = 0;
    const stop = host.onStatus((status) => {
      if (predicate(status)) {
        stop();
        resolve(status);
      } else if (++ticks > 3000) {
        stop();
        reject(
          new Error(
            `condition not reached: ${JSON.stringify({ ...status, lastError: status.lastError?.message })}`,
          ),
        );
      }
    });
  });
}

async function running(host: WorkerHost) {
  const controller = new AbortController();
  const done = host.run(controller.signal);
  return {
    async stop() {
      controller.abort();
      await done;
    },
  };
}

describe('light client resume (host)', { concurrency: false }, () => {
  it('a restarted worker resumes from its sealed checkpoint, verifies only the blocks since, and knows its state', async (t) => {
    const chain = await openChain();
    const folder = workerFolder();
    const client = createHttpClient(chain.url);
    try {
      // First run: registers, and follows until it stops cleanly.
      chain.build(1);
      const first = hostFor(await folder.core(), client, chain.node.genesisHash);
      const firstRun = await running(first);
      await waitForStatus(first, (s) => s.registrationsSubmitted === 1);
      chain.build(1);
      await waitForStatus(first, (s) => s.state === 'Registered');
      const stoppedAt = chain.build(150);
      await waitForStatus(first, (s) => s.headNumber === stoppedAt);
      await firstRun.stop();
      assert.equal(first.status().resumedFrom, undefined);
      assert.equal(first.status().headersVerified, stoppedAt);

      // The chain moves on while it is down; the restart verifies those blocks and no others.
      const best = chain.build(250);
      const started = performance.now();
      const second = hostFor(await folder.core(), client, chain.node.genesisHash);
      const secondRun = await running(second);
      const status = await waitForStatus(second, (s) => s.state === 'Registered');
      const elapsed = performance.now() - started;
      await secondRun.stop();
      assert.equal(status.resumedFrom, stoppedAt);
      assert.equal(status.headNumber, best);
      assert.equal(status.headersVerified, best - stoppedAt);
      assert.equal(status.registrationsSubmitted, 0);
      t.diagnostic(
        `restart ${best - stoppedAt} blocks after its checkpoint at ${stoppedAt}: ` +
          `${status.headersVerified} headers verified, state proven in ${elapsed.toFixed(0)} ms`,
      );
    } finally {
      await client.close();
      await chain.close();
    }
  });

  it('seals a checkpoint every N verified blocks, so a worker that crashed verifies fewer than N again', async () => {
    const chain = await openChain();
    const folder = workerFolder();
    const client = createHttpClient(chain.url);
    try {
      chain.build(57);
      // Ticks only, never a clean stop: what is on disk is what the periodic checkpoints wrote.
      const first = hostFor(await folder.core(), client, chain.node.genesisHash, {
        checkpointEveryBlocks: 20,
      });
      await first.tick();
      assert.equal(first.status().headNumber, 57);
      const best = chain.build(5);
      const second = hostFor(await folder.core(), client, chain.node.genesisHash, {
        checkpointEveryBlocks: 20,
      });
      await second.tick();
      assert.equal(second.status().resumedFrom, 40);
      assert.equal(second.status().headersVerified, best - 40);
    } finally {
      await client.close();
      await chain.close();
    }
  });

  it('logs a tampered checkpoint with its typed error, ignores it and follows from genesis', async () => {
    const chain = await openChain();
    const folder = workerFolder();
    const client = createHttpClient(chain.url);
    try {
      const best = chain.build(12);
      const first = hostFor(await folder.core(), client, chain.node.genesisHash, {
        checkpointEveryBlocks: 5,
      });
      await first.tick();
      const path = join(folder.dataDir, CHECKPOINT_FILE);
      const bytes = readFileSync(path);
      bytes[bytes.length - 1]! ^= 0x80;
      writeFileSync(path, bytes);

      const { logger, records } = capturingLogger();
      const second = hostFor(await folder.core(), client, chain.node.genesisHash, { logger });
      await second.tick();
      assert.equal(second.status().resumedFrom, undefined);
      assert.equal(second.status().headersVerified, best);
      const refusal = records.find((r) => r.code === 'CheckpointInvalid');
      assert.ok(refusal, JSON.stringify(records.map((r) => r.msg)));
      assert.equal(refusal.level, 50); // error
      assert.match(String(refusal.msg), /following the chain from genesis/);
    } finally {
      await client.close();
      await chain.close();
    }
  });

  it('refuses a checkpoint of another chain (CheckpointOtherChain) and follows its own from genesis', async () => {
    const chain = await openChain();
    const other = await openChain(1000, { ...genesis, timestamp: GENESIS_TIME - 60_000 });
    const folder = workerFolder();
    const client = createHttpClient(chain.url);
    const otherClient = createHttpClient(other.url);
    try {
      assert.notDeepEqual(other.node.genesisHash, chain.node.genesisHash);
      other.build(30);
      const elsewhere = hostFor(await folder.core(), otherClient, other.node.genesisHash, {
        checkpointEveryBlocks: 10,
      });
      await elsewhere.tick();

      const best = chain.build(4);
      const { logger, records } = capturingLogger();
      const host = hostFor(await folder.core(), client, chain.node.genesisHash, { logger });
      await host.tick();
      assert.equal(host.status().resumedFrom, undefined);
      assert.equal(host.status().headersVerified, best);
      assert.ok(records.some((r) => r.code === 'CheckpointOtherChain' && r.level === 50));
    } finally {
      await client.close();
      await otherClient.close();
      await other.close();
      await chain.close();
    }
  });

  it('refuses to follow a node whose chain does not hold its checkpoint (ForkedChain), and keeps the checkpoint', async () => {
    const chain = await openChain(1000);
    // Same genesis, other block times: from block 1 on another branch.
    const fork = await openChain(1500);
    const behind = await openChain(1000);
    const folder = workerFolder();
    const client = createHttpClient(chain.url);
    const forkClient = createHttpClient(fork.url);
    const behindClient = createHttpClient(behind.url);
    try {
      assert.deepEqual(fork.node.genesisHash, chain.node.genesisHash);
      chain.build(20);
      fork.build(30);
      behind.build(10);
      const first = hostFor(await folder.core(), client, chain.node.genesisHash, {
        checkpointEveryBlocks: 10,
      });
      await first.tick();
      const sealed = readFileSync(join(folder.dataDir, CHECKPOINT_FILE));

      const onFork = hostFor(await folder.core(), forkClient, chain.node.genesisHash);
      await assert.rejects(onFork.tick(), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'ForkedChain');
        assert.match(error.message, /block 20 is 0x[0-9a-f]{64}, not the verified 0x[0-9a-f]{64}/);
        return true;
      });
      assert.equal(onFork.status().headNumber, 20);
      assert.equal(onFork.status().headersVerified, 0);
      assert.deepEqual(readFileSync(join(folder.dataDir, CHECKPOINT_FILE)), sealed);

      // A node behind the checkpoint is waited for, not followed.
      const onBehind = hostFor(await folder.core(), behindClient, chain.node.genesisHash);
      await assert.rejects(onBehind.tick(), {
        code: 'BadNodeAnswer',
        message: /behind this worker's verified head 20/,
      });

      // Back on its own chain it carries on from the checkpoint.
      const best = chain.build(3);
      const back = hostFor(await folder.core(), client, chain.node.genesisHash);
      await back.tick();
      assert.equal(back.status().resumedFrom, 20);
      assert.equal(back.status().headersVerified, best - 20);
    } finally {
      await client.close();
      await forkClient.close();
      await behindClient.close();
      await Promise.all([chain.close(), fork.close(), behind.close()]);
    }
  });

  it('starts from genesis when a role that keeps a view finds none in the checkpoint, and resumes once it has one', async () => {
    const chain = await openChain();
    const folder = workerFolder();
    const client = createHttpClient(chain.url);
    try {
      chain.build(8);
      // A plain worker first: its checkpoint holds no gatekeeper view.
      const plain = hostFor(await folder.core(), client, chain.node.genesisHash, {
        checkpointEveryBlocks: 4,
      });
      await plain.tick();

      const core = await folder.core();
      const gatekeeper = () =>
        createGatekeeperRole({
          core,
          gatekeeper: createGatekeeperCore({ dataDir: folder.dataDir, sealing: folder.sealing() }),
        });
      const { logger, records } = capturingLogger();
      const first = await startLightClient({
        client,
        checkpoints: core.checkpoints,
        genesisHash: chain.node.genesisHash,
        roles: [gatekeeper()],
        logger,
      });
      assert.equal(first.resumedFrom, undefined);
      assert.equal(first.lightClient.head().header.number, 0);
      assert.ok(records.some((r) => r.level === 40 && JSON.stringify(r.roles) === '["gatekeeper"]'));

      // Followed with the role, the next checkpoint carries its view, and the role resumes from it.
      const role = gatekeeper();
      const host = createWorkerHost({
        client,
        core,
        operator: devKeypair('bob'),
        collateral: createSimCollateralSource(pki),
        genesisHash: chain.node.genesisHash,
        roles: [role],
        checkpointEveryBlocks: 4,
        now: () => GENESIS_TIME,
      });
      await host.tick();
      chain.build(2);
      const resumed = await startLightClient({
        client,
        checkpoints: core.checkpoints,
        genesisHash: chain.node.genesisHash,
        roles: [gatekeeper()],
        logger,
      });
      assert.equal(resumed.resumedFrom, 8);
      const synced = await syncLightClient(client, resumed.lightClient);
      assert.equal(synced.imported, chain.node.chain.head().block.header.number - 8);
    } finally {
      await client.close();
      await chain.close();
    }
  });
});
