// The worker host against a real in-process node and RPC server on 127.0.0.1: a dev genesis that
// trusts a sim PKI root, sim workers with real sealing, quotes and signatures, and a gatekeeper.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createSimPki } from '../../attestation/sim/index.js';
import { SIM_DEFAULT_MRENCLAVE } from '../../attestation/sim/simDefaults.js';
import { createHttpClient } from '../../client/createHttpClient.js';
import { getAccount } from '../../client/getAccount.js';
import { getBlockHash } from '../../client/getBlockHash.js';
import { getEvents } from '../../client/getEvents.js';
import { getHeader } from '../../client/getHeader.js';
import { submitExtrinsic } from '../../client/submitExtrinsic.js';
import type { RpcClient } from '../../client/types.js';
import { encodeAddress } from '../../codec/address.js';
import { toHex, utf8 } from '../../codec/bytes.js';
import { type Call, signExtrinsic } from '../../codec/chain.js';
import { devKeypair } from '../../codec/devKeys.js';
import { createNode, type Node } from '../../node/createNode.js';
import { createRpcServer, type RpcServer } from '../../node/rpc/createRpcServer.js';
import { gatekeeperCalls } from '../../runtime/gatekeeper/types.js';
import {
  createDevGenesisConfig,
  DEV_ATTESTATION_VALIDITY_MS,
} from '../../runtime/genesis/createDevGenesisConfig.js';
import { governanceCalls } from '../../runtime/governance/types.js';
import { WorkerStates } from '../../runtime/registry/storage.js';
import { createEnclaveCore } from '../enclave/enclaveCore.js';
import { createSimEvidenceProvider } from '../enclave/evidence/createSimEvidenceProvider.js';
import { createSimSealingProvider } from '../enclave/sealing/createSimSealingProvider.js';
import { createGatekeeperCore } from '../gatekeeper/createGatekeeperCore.js';
import { createGatekeeperRole, type GatekeeperRole } from '../gatekeeper/createGatekeeperRole.js';
import { sleep } from './backoff.js';
import { createSimCollateralSource } from './collateralSource.js';
import { createWorkerHost, type WorkerHost, type WorkerStatus } from './createWorkerHost.js';
import { pinGenesis } from './pinGenesis.js';

const GENESIS_TIME = 1_700_000_000_000;
const root = mkdtempSync(join(tmpdir(), 'phalanx-host-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = (what: string) => join(root, `${what}-${counter++}`);

const pki = createSimPki({ seed: utf8('worker host tests'), now: GENESIS_TIME / 1000 - 3600 });
const genesis = { ...createDevGenesisConfig({ simRoots: [pki.rootCertDer] }), timestamp: GENESIS_TIME };

interface TestNode {
  node: Node;
  server: RpcServer;
  url: string;
  close(): Promise<void>;
}

/** The test genesis with registrations valid for `validityMs` (the dev genesis says a day). */
function genesisWithValidity(validityMs: number) {
  return {
    ...genesis,
    registry: { policy: { ...genesis.registry.policy, attestationValidityMs: String(validityMs) } },
  };
}

async function startNode(
  dataDir = fresh('node'),
  port = 0,
  options: { genesis?: object; blockIntervalMs?: number } = {},
): Promise<TestNode> {
  // Manual clock: one second per reading, so block timestamps increase without the wall clock.
  let now = GENESIS_TIME;
  const node = createNode({
    dataDir,
    genesis: options.genesis ?? genesis,
    role: { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
    blockIntervalMs: options.blockIntervalMs ?? 40,
    clock: () => {
      now += 1000;
      return now;
    },
  });
  const server = await createRpcServer({ chain: node, host: '127.0.0.1', port });
  await node.start();
  return {
    node,
    server,
    url: server.url,
    async close() {
      await server.close();
      await node.stop();
    },
  };
}

interface TestWorker {
  host: WorkerHost;
  role: GatekeeperRole | undefined;
  stop(): Promise<void>;
}

async function startWorker(args: {
  url: string;
  dataDir: string;
  machineDir: string;
  operator: string;
  gatekeeper?: boolean;
  sleepFn?: (ms: number, signal?: AbortSignal) => Promise<void>;
  genesisHash?: Uint8Array;
  reattestMarginMs?: number;
}): Promise<TestWorker> {
  const sealing = createSimSealingProvider({
    machineDir: args.machineDir,
    measurement: SIM_DEFAULT_MRENCLAVE,
  });
  const evidence = createSimEvidenceProvider({ pki, tee: 'sgx' });
  const core = await createEnclaveCore({ dataDir: args.dataDir, sealing, evidence });
  const client = createHttpClient(args.url, { timeoutMs: 5000 });
  const genesisHash = args.genesisHash ?? (await pinGenesis({ client, dataDir: args.dataDir, sealing }));
  const role = args.gatekeeper
    ? createGatekeeperRole({
        core,
        gatekeeper: createGatekeeperCore({ dataDir: args.dataDir, sealing }),
        retryAfterBlocks: 20,
      })
    : undefined;
  const host = createWorkerHost({
    client,
    core,
    operator: devKeypair(args.operator),
    collateral: createSimCollateralSource(pki),
    genesisHash,
    roles: role ? [role] : [],
    pollIntervalMs: 20,
    random: () => 0.5,
    sleep: args.sleepFn ?? sleep,
    now: () => GENESIS_TIME,
    ...(args.reattestMarginMs === undefined ? {} : { reattestMarginMs: args.reattestMarginMs }),
  });
  const controller = new AbortController();
  const running = host.run(controller.signal);
  return {
    host,
    role,
    async stop() {
      controller.abort();
      await running;
      await client.close();
    },
  };
}

/** Resolves with the first status that satisfies `predicate`; rejects after `maxTicks` ticks. */
function waitForStatus(
  host: WorkerHost,
  predicate: (s: WorkerStatus) => boolean,
  maxTicks = 2000,
): Promise<WorkerStatus> {
  return new Promise((resolve, reject) => {
    let ticks = 0;
    const stop = host.onStatus((status) => {
      if (predicate(status)) {
        stop();
        resolve(status);
      } else if (++ticks > maxTicks) {
        stop();
        reject(
          new Error(
            `condition not reached; last status ${JSON.stringify({ ...status, lastError: status.lastError?.message })}`,
          ),
        );
      }
    });
  });
}

async function countRegistryEvents(url: string, worker: Uint8Array): Promise<number> {
  const client = createHttpClient(url);
  let count = 0;
  for (let number = 1; ; number++) {
    const hash = await getBlockHash(client, number);
    if (!hash) break;
    const events = (await getEvents(client, hash))?.events ?? [];
    for (const event of events) {
      if (
        event.module !== 'registry' ||
        (event.name !== 'WorkerRegistered' && event.name !== 'WorkerReattested')
      )
        continue;
      const w = event.fields.worker;
      if (typeof w === 'string' && w === `0x${Buffer.from(worker).toString('hex')}`) count++;
    }
  }
  return count;
}

interface WorkerEvent {
  number: number;
  timestamp: bigint;
  phase: number | null;
  name: string;
  fields: Record<string, unknown>;
}

/**
 * Every registry event naming `worker`, with its block's number and timestamp, from block 1 on, read
 * up to the head again at each call (only the blocks not read before), until `until` holds of them
 * or `timeoutMs` passes; then the events so far.
 */
async function workerHistory(
  url: string,
  worker: Uint8Array,
  until: (events: readonly WorkerEvent[]) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<WorkerEvent[]> {
  const client = createHttpClient(url);
  const hex = toHex(worker);
  const out: WorkerEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  let next = 1;
  try {
    for (;;) {
      for (let hash = await getBlockHash(client, next); hash; hash = await getBlockHash(client, next)) {
        const events = (await getEvents(client, hash))?.events ?? [];
        const mine = events.filter((e) => e.module === 'registry' && e.fields.worker === hex);
        if (mine.length > 0) {
          const timestamp = (await getHeader(client, hash))!.signed.header.timestamp;
          for (const e of mine) {
            out.push({ number: next, timestamp, phase: e.phase ?? null, name: e.name, fields: e.fields });
          }
        }
        next += 1;
      }
      if (until(out) || Date.now() > deadline) return out;
      await sleep(100);
    }
  } finally {
    await client.close();
  }
}

const isAttestation = (e: WorkerEvent) => e.name === 'WorkerRegistered' || e.name === 'WorkerReattested';
const isExpiry = (e: WorkerEvent) => e.name === 'WorkerStateChanged' && e.fields.to === 'Expired';
const showEvents = (events: readonly WorkerEvent[]) =>
  JSON.stringify(events, (_, v) => (typeof v === 'bigint' ? `${v}` : v));

async function sudo(url: string, call: Call): Promise<void> {
  const client = createHttpClient(url);
  const alice = devKeypair('alice');
  const genesisHash = (await getBlockHash(client, 0))!;
  const { nonce } = await getAccount(client, encodeAddress(alice.publicKey));
  await submitExtrinsic(
    client,
    signExtrinsic({
      genesisHash,
      signerSeed: alice.secretSeed,
      signer: alice.publicKey,
      nonce,
      call: governanceCalls.sudo(call),
    }),
  );
}

describe('worker host', { concurrency: false }, () => {
  it('registers a sim worker that then reaches Registered, attested over a block its light client verified', async () => {
    const chain = await startNode();
    const worker = await startWorker({
      url: chain.url,
      dataDir: fresh('worker'),
      machineDir: fresh('machine'),
      operator: 'bob',
    });
    try {
      const status = await waitForStatus(worker.host, (s) => s.state === 'Registered');
      assert.equal(status.registrationsSubmitted, 1);
      assert.equal(await countRegistryEvents(chain.url, worker.host.pubkey), 1);
    } finally {
      await worker.stop();
      await chain.close();
    }
  });

  it('keeps its pubkey across a restart and does not register twice', async () => {
    const chain = await startNode();
    const dataDir = fresh('worker');
    const machineDir = fresh('machine');
    const first = await startWorker({ url: chain.url, dataDir, machineDir, operator: 'bob' });
    await waitForStatus(first.host, (s) => s.state === 'Registered');
    const pubkey = first.host.pubkey;
    await first.stop();

    const second = await startWorker({ url: chain.url, dataDir, machineDir, operator: 'bob' });
    try {
      assert.deepEqual(second.host.pubkey, pubkey);
      const status = await waitForStatus(second.host, (s) => s.state === 'Registered');
      // A few more ticks on a live chain: still nothing submitted.
      const later = await waitForStatus(
        second.host,
        (s) => (s.headNumber ?? 0) >= (status.headNumber ?? 0) + 5,
      );
      assert.equal(later.registrationsSubmitted, 0);
      assert.equal(await countRegistryEvents(chain.url, pubkey), 1);
    } finally {
      await second.stop();
      await chain.close();
    }
  });

  it('backs off with growing delays while the node is unreachable, then registers once it comes up', async () => {
    // A free port, closed again: nothing listens there until the node starts.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const delays: number[] = [];
    let chain: TestNode | undefined;
    let starting: Promise<TestNode> | undefined;
    const sleepFn = async (ms: number, signal?: AbortSignal) => {
      if (chain === undefined && starting === undefined) {
        delays.push(ms);
        if (delays.length === 4) starting = startNode(fresh('node'), port);
      }
      // Never wait the real backoff: the delays are recorded, the test stays fast.
      await sleep(Math.min(ms, 20), signal);
    };
    const dataDir = fresh('worker');
    const machineDir = fresh('machine');
    // The genesis hash is configured, as an operator would: the node is down at start.
    const probeNode = await startNode();
    const genesisHash = probeNode.node.genesisHash;
    await probeNode.close();
    const worker = await startWorker({
      url: `http://127.0.0.1:${port}`,
      dataDir,
      machineDir,
      operator: 'bob',
      sleepFn,
      genesisHash,
    });
    try {
      const down = await waitForStatus(worker.host, (s) => s.failures >= 4);
      assert.equal((down.lastError as { code?: string }).code, 'ConnectionFailed');
      chain = await starting;
      const status = await waitForStatus(worker.host, (s) => s.state === 'Registered');
      assert.equal(status.failures, 0);
      // random() = 0.5: 3/4 of the capped exponential (250, 500, 1000, 2000 ms).
      assert.deepEqual(delays, [188, 375, 750, 1500]);
    } finally {
      await worker.stop();
      await chain?.close();
    }
  });

  it('re-attests before its registration expires, by the configured margin of chain time', async () => {
    const chain = await startNode();
    // Expiry is a day after attestation; re-attest once five seconds of chain time have passed.
    const worker = await startWorker({
      url: chain.url,
      dataDir: fresh('worker'),
      machineDir: fresh('machine'),
      operator: 'bob',
      reattestMarginMs: DEV_ATTESTATION_VALIDITY_MS - 5000,
    });
    try {
      const status = await waitForStatus(
        worker.host,
        (s) => s.registrationsSubmitted >= 3 && s.state === 'Registered',
      );
      assert.equal(status.failures, 0);
      assert.ok((await countRegistryEvents(chain.url, worker.host.pubkey)) >= 2);
    } finally {
      await worker.stop();
      await chain.close();
    }
  });

  it('re-attests a short registration a quarter of its validity before expiry, and never lapses', {
    timeout: 120_000,
  }, async () => {
    // 40 s of chain time at a second per block, a block every 200 ms: the worker renews with ~10 s
    // (ten blocks, two seconds) to spare, which a loaded machine's slow ticks still meet.
    const chain = await startNode(fresh('node'), 0, {
      genesis: genesisWithValidity(40_000),
      blockIntervalMs: 200,
    });
    const worker = await startWorker({
      url: chain.url,
      dataDir: fresh('worker'),
      machineDir: fresh('machine'),
      operator: 'bob',
    });
    try {
      const history = await workerHistory(
        chain.url,
        worker.host.pubkey,
        (events) => events.filter(isAttestation).length >= 3,
      );
      const attested = history.filter(isAttestation);
      assert.ok(attested.length >= 3, showEvents(history));
      for (let i = 1; i < attested.length; i++) {
        const previousExpiry = BigInt(attested[i - 1]!.fields.expiresAt as string);
        assert.ok(attested[i]!.timestamp < previousExpiry, 'renewed before the previous expiry');
        assert.ok(previousExpiry - attested[i]!.timestamp <= 40_000n / 2n, 'not renewed at once');
      }
      assert.deepEqual(history.filter(isExpiry), [], showEvents(history));
    } finally {
      await worker.stop();
      await chain.close();
    }
  });

  it('a worker that stops re-attesting is marked Expired within a slot of its expiry, by the chain alone', {
    timeout: 120_000,
  }, async () => {
    const chain = await startNode(fresh('node'), 0, {
      genesis: genesisWithValidity(10_000),
      blockIntervalMs: 200,
    });
    const worker = await startWorker({
      url: chain.url,
      dataDir: fresh('worker'),
      machineDir: fresh('machine'),
      operator: 'bob',
    });
    await waitForStatus(worker.host, (s) => s.state === 'Registered');
    await worker.stop();
    try {
      const history = await workerHistory(chain.url, worker.host.pubkey, (events) => events.some(isExpiry));
      const expired = history.find(isExpiry);
      assert.ok(expired, `marked Expired: ${showEvents(history)}`);
      // The last attestation's expiry: the hook marked it at the first block past its slot boundary.
      const last = history.filter(isAttestation).at(-1)!;
      const expiresAt = BigInt(last.fields.expiresAt as string);
      assert.ok(expired.timestamp >= expiresAt, 'not before its expiry');
      assert.ok(expired.timestamp - expiresAt <= 6000n + 2000n, 'within a slot (and a block) of it');
      assert.equal(expired.phase, null, 'by the block hook, not by a transaction');
    } finally {
      await chain.close();
    }
  });

  it('benchmarks in its enclave core and submits the score signed by its identity key, which the chain accepts', {
    timeout: 120_000,
  }, async () => {
    // A gatekeeper provisions itself: the benchmark comes once a worker is Provisioned.
    const chain = await startNode(fresh('node'), 0, { blockIntervalMs: 200 });
    const worker = await startWorker({
      url: chain.url,
      dataDir: fresh('gatekeeper'),
      machineDir: fresh('machine'),
      operator: 'charlie',
      gatekeeper: true,
    });
    try {
      await waitForStatus(worker.host, (s) => s.state === 'Registered');
      await sudo(chain.url, gatekeeperCalls.addGatekeeper(worker.host.pubkey));
      await waitForStatus(worker.host, (s) => s.benchmarksSubmitted >= 1);
      const history = await workerHistory(chain.url, worker.host.pubkey, (events) =>
        events.some((e) => e.name === 'BenchmarkReported'),
      );
      const reported = history.find((e) => e.name === 'BenchmarkReported');
      // The chain checked the identity key's signature over (genesis, worker, score, block): the
      // event is its acceptance.
      assert.ok(reported, 'registry.BenchmarkReported');
      assert.ok((reported.fields.score as number) > 0);
      assert.ok((reported.fields.blockNumber as number) < reported.number);
      // One report for this attestation: later ticks see it on chain and do not run again.
      const later = await waitForStatus(worker.host, (s) => (s.headNumber ?? 0) >= reported!.number + 15);
      assert.equal(later.benchmarksSubmitted, 1);
    } finally {
      await worker.stop();
      await chain.close();
    }
  });

  it('refuses a state the node lies about (a proof that does not match) and stays as it was', async () => {
    const chain = await startNode();
    const dataDir = fresh('worker');
    const machineDir = fresh('machine');
    const honest = await startWorker({ url: chain.url, dataDir, machineDir, operator: 'bob' });
    await waitForStatus(honest.host, (s) => s.state === 'Registered');
    await honest.stop();
    // A host that rewrites the worker's state to Provisioned (byte 1) in every storage answer.
    const inner = createHttpClient(chain.url);
    const stateKey = toHex(WorkerStates.keyOf(honest.host.pubkey));
    const lying: RpcClient = {
      url: inner.url,
      close: () => inner.close(),
      async request(method, params) {
        const result = await inner.request(method, params);
        if (method === 'state_getStorage' && params?.[0] === stateKey && result !== null) {
          return { ...(result as object), value: '0x01' };
        }
        return result;
      },
    };
    const sealing = createSimSealingProvider({ machineDir, measurement: SIM_DEFAULT_MRENCLAVE });
    const core = await createEnclaveCore({
      dataDir,
      sealing,
      evidence: createSimEvidenceProvider({ pki, tee: 'sgx' }),
    });
    const host = createWorkerHost({
      client: lying,
      core,
      operator: devKeypair('bob'),
      collateral: createSimCollateralSource(pki),
      genesisHash: chain.node.genesisHash,
    });
    try {
      await assert.rejects(host.tick(), { name: 'LightClientError', code: 'InvalidProof' });
      assert.equal(host.status().state, undefined);
      assert.equal(host.status().registrationsSubmitted, 0);
    } finally {
      await chain.close();
    }
  });

  it('shares the master key with a second gatekeeper, which then provisions a worker on its own', async () => {
    const chain = await startNode();
    const first = await startWorker({
      url: chain.url,
      dataDir: fresh('gk1'),
      machineDir: fresh('machine'),
      operator: 'charlie',
      gatekeeper: true,
    });
    const second = await startWorker({
      url: chain.url,
      dataDir: fresh('gk2'),
      machineDir: fresh('machine'),
      operator: 'dave',
      gatekeeper: true,
    });
    let worker: TestWorker | undefined;
    try {
      await waitForStatus(first.host, (s) => s.state === 'Registered');
      await sudo(chain.url, gatekeeperCalls.addGatekeeper(first.host.pubkey));
      await waitForStatus(first.host, () => first.role!.status().holdsMasterKey);
      await waitForStatus(second.host, (s) => s.state === 'Provisioned');
      await sudo(chain.url, gatekeeperCalls.addGatekeeper(second.host.pubkey));
      await waitForStatus(second.host, () => second.role!.status().holdsMasterKey);
      assert.deepEqual(second.role!.status().masterPubkey, first.role!.status().masterPubkey);
      // Only the second gatekeeper is left to provision a newcomer.
      await first.stop();
      worker = await startWorker({
        url: chain.url,
        dataDir: fresh('worker'),
        machineDir: fresh('machine'),
        operator: 'bob',
      });
      const provisioned = await waitForStatus(worker.host, (s) => s.holdsNetworkKey);
      const gkSelf = await waitForStatus(second.host, (s) => s.holdsNetworkKey);
      assert.deepEqual(provisioned.networkKeyFingerprint, gkSelf.networkKeyFingerprint);
      assert.ok(second.role!.status().provisioned >= 1);
    } finally {
      await worker?.stop();
      await first.stop();
      await second.stop();
      await chain.close();
    }
  });

  it('is provisioned by a gatekeeper that published the master key, and decrypts the network key', async () => {
    const chain = await startNode();
    const gk = await startWorker({
      url: chain.url,
      dataDir: fresh('gatekeeper'),
      machineDir: fresh('machine'),
      operator: 'charlie',
      gatekeeper: true,
    });
    const worker = await startWorker({
      url: chain.url,
      dataDir: fresh('worker'),
      machineDir: fresh('machine'),
      operator: 'bob',
    });
    try {
      await waitForStatus(gk.host, (s) => s.state === 'Registered');
      await sudo(chain.url, gatekeeperCalls.addGatekeeper(gk.host.pubkey));
      const provisioned = await waitForStatus(worker.host, (s) => s.holdsNetworkKey);
      assert.equal(provisioned.state, 'Provisioned');
      const gkStatus = gk.role!.status();
      assert.equal(gkStatus.holdsMasterKey, true);
      const gatekeeperCore = gkStatus.masterPubkey!;
      assert.ok(gatekeeperCore);
      // The gatekeeper provisioned itself too, with the same network key.
      const gkSelf = await waitForStatus(gk.host, (s) => s.holdsNetworkKey);
      assert.deepEqual(provisioned.networkKeyFingerprint, gkSelf.networkKeyFingerprint);
    } finally {
      await worker.stop();
      await gk.stop();
      await chain.close();
    }
  });
});
