// The etcd ordering (issue 10) against `solo`, in the same run, on the same genesis and workload:
// `phalanx node` processes (each its own event loop), a three-member etcd cluster on loopback
// (real `etcd` processes, startEtcdCluster), three nodes on it (alice, bob, charlie: one proposes,
// two follow and re-execute every block), and one solo node for the baseline.
//
//   etcd.block      ms from a block's timestamp (its proposer's clock when it starts building) until
//                   EVERY node announced it on its newHeads subscription: empty blocks at the CLI's
//                   smallest block time (50 ms). Both orderings keep that pace, so blocks per second
//                   would say nothing; the latency is what etcd adds to a block (its append, a Raft
//                   commit, and the followers' watch, reads and import). Median over the blocks.
//   etcd.transfers  wall-clock µs per transfer in a block that EVERY node has applied (default 1 s
//                   block time and limits): clients submit pre-signed transfers from thousands of
//                   distinct senders over JSON-RPC batches, spread over all the nodes (submissions
//                   to followers reach the proposer through etcd's pending keys). Goal: etcd's rate
//                   at least half of solo's, i.e. value ≤ 2 × baseline.
//   etcd.transfers.noEtcd  the same workload and counting on three nodes WITHOUT etcd: alice
//                   seals (solo) and two `--follow` nodes re-execute every block, all clients on
//                   alice. What three nodes that each execute every transfer get out of these two
//                   cores, whatever orders their blocks: the ceiling etcd.transfers works under here.
//   etcd.transfers.oneNode  the same workload and counting on ONE node (the proposer, all six
//                   clients on it, no followers) on the same kind of three-member cluster: what the
//                   etcd ordering itself costs (durable admission, pending reads, the append per
//                   block) when each follower has its own machine, as deployed. Baseline: solo.
//
// The markdown adds where the time goes: CPU seconds of every process in the measured window, the
// nodes' own block timings (/metrics), and the latency of a small etcd put under the load.
// `npx tsx bench/etcd.bench.ts [--quick]`; about three and a half minutes, most of it node startups
// (each node builds the genesis state of 20,000 accounts). --quick: 1,000 senders, short windows,
// and the transfers measured on the 50 ms deployments (three deployments started instead of five).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Etcd3 } from 'etcd3';
import { toKeyFile } from '../src/cli/keyFile.js';
import {
  createHttpClient,
  createWsClient,
  getBlock,
  getChainInfo,
  subscribeNewHeads,
} from '../src/client/index.js';
import type { WsRpcClient } from '../src/client/types.js';
import { encodeAddress } from '../src/codec/address.js';
import { bytesToHex, toHex } from '../src/codec/bytes.js';
import { signExtrinsic } from '../src/codec/chain.js';
import { devKeypair, devSeed } from '../src/codec/devKeys.js';
import { ed25519FromSeed, type Keypair } from '../src/codec/keys.js';
import { type EtcdCluster, startEtcdCluster } from '../src/node/ordering/etcd/testing/startEtcdCluster.js';
import { balancesCalls } from '../src/runtime/balances/types.js';
import { UNIT } from '../src/runtime/index.js';
import { createBenchGenesis } from './createBenchGenesis.js';
import { type BenchOptions, type BenchResult, figure, median } from './figure.js';
import { type NodeProcess, startNodeProcess } from './startNodeProcess.js';
import { BATCH, submitInBatches, sumErrors } from './submitInBatches.js';

export const FIGURE_NAMES = [
  'etcd.block',
  'etcd.transfers',
  'etcd.transfers.oneNode',
  'etcd.transfers.noEtcd',
] as const;

const AUTHORITIES = ['alice', 'bob', 'charlie'] as const;
/** The CLI's smallest block time (parseBlockTime). */
const FAST_BLOCK_TIME_MS = 50;
/** The CLI's default block time. */
const BLOCK_TIME_MS = 1000;
/** Two per etcd node; all on the one node for solo. */
const CLIENTS = 6;
/** Linux reports process CPU times in ticks of 1/100 s (USER_HZ) on every platform we run. */
const TICKS_PER_SECOND = 100;

type Genesis = ReturnType<typeof createBenchGenesis>['genesis'];

/**
 * A running deployment: one solo node, a solo node and its `--follow` nodes, or etcd nodes (and the
 * cluster's members' pids).
 */
interface Deployment {
  readonly kind: 'solo' | 'follow' | 'etcd';
  readonly nodes: readonly NodeProcess[];
  /** The nodes the clients submit to (spread over them); all of `nodes` unless said otherwise. */
  readonly submitTo?: readonly NodeProcess[];
  /** The node names, in `nodes` order. */
  readonly names: readonly string[];
  /** etcd members' pids (empty for solo). */
  readonly etcdPids: readonly number[];
  stop(): Promise<void>;
}

async function startSolo(genesis: Genesis, blockTimeMs: number): Promise<Deployment> {
  const node = await startNodeProcess({ genesis, blockTimeMs });
  return { kind: 'solo', nodes: [node], names: ['alice'], etcdPids: [], stop: () => node.stop() };
}

/**
 * Waits for node processes started together; if one fails, stops the others (and `running`, nodes
 * started before) and throws its error.
 */
async function allStarted(
  starting: readonly Promise<NodeProcess>[],
  running: readonly NodeProcess[] = [],
): Promise<{ nodes: NodeProcess[]; stop(): Promise<void> }> {
  const started = await Promise.allSettled(starting);
  const nodes = [
    ...running,
    ...started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])),
  ];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { nodes, stop };
}

/**
 * Three nodes and no etcd: alice seals, two nodes follow her over RPC and re-execute every block
 * (`--follow`). Clients submit to alice only (a `--follow` node does not take extrinsics).
 */
async function startFollowers(genesis: Genesis, blockTimeMs: number): Promise<Deployment> {
  const sealer = await startNodeProcess({ genesis, blockTimeMs });
  const { nodes, stop } = await allStarted(
    [1, 2].map(() => startNodeProcess({ genesis, blockTimeMs, args: ['--follow', sealer.rpcUrl] })),
    [sealer],
  );
  return { kind: 'follow', nodes, submitTo: [sealer], names: AUTHORITIES, etcdPids: [], stop };
}

async function startEtcdNodes(
  genesis: Genesis,
  blockTimeMs: number,
  cluster: EtcdCluster,
  keyDir: string,
  prefix: string,
  names: readonly string[] = AUTHORITIES,
): Promise<Deployment> {
  // All at once (whoever campaigns first proposes); startup is mostly tsx and genesis.
  const { nodes, stop } = await allStarted(
    names.map((name) =>
      startNodeProcess({
        genesis,
        blockTimeMs,
        args: [
          '--ordering',
          'etcd',
          '--etcd',
          cluster.endpoints.join(','),
          '--etcd-prefix',
          prefix,
          '--authority-key',
          join(keyDir, `${name}.json`),
          '--name',
          name,
        ],
      }),
    ),
  );
  const etcdPids = cluster.members
    .map((member) => member.pid)
    .filter((pid): pid is number => pid !== undefined);
  return { kind: 'etcd', nodes, names, etcdPids, stop };
}

/** When each node announced each block (Date.now() in this process), from its newHeads subscription. */
interface HeadWatch {
  /** Per node: block number → arrival time. */
  readonly arrivals: readonly Map<number, number>[];
  /** Block number → header timestamp (ms), hash and author, as the first node to announce it said. */
  readonly headers: Map<number, { timestamp: number; hash: Uint8Array; author: string }>;
  close(): Promise<void>;
}

async function watchHeads(deployment: Deployment): Promise<HeadWatch> {
  const arrivals = deployment.nodes.map(() => new Map<number, number>());
  const headers: HeadWatch['headers'] = new Map();
  const clients: WsRpcClient[] = [];
  const ends: (() => Promise<void>)[] = [];
  for (const [i, node] of deployment.nodes.entries()) {
    const client = await createWsClient(node.rpcUrl.replace(/^http/, 'ws'));
    clients.push(client);
    ends.push(
      await subscribeNewHeads(client, ({ hash, signed: { header } }) => {
        const at = Date.now();
        if (!arrivals[i]!.has(header.number)) arrivals[i]!.set(header.number, at);
        if (!headers.has(header.number)) {
          headers.set(header.number, {
            timestamp: Number(header.timestamp),
            hash,
            author: bytesToHex(header.author),
          });
        }
      }),
    );
  }
  return {
    arrivals,
    headers,
    async close() {
      for (const end of ends) await end().catch(() => {});
      for (const client of clients) client.close();
    },
  };
}

/**
 * When block `number` was applied on every node: the latest, over nodes, of the first arrival of
 * that block or a later one (a node that announced a later head holds this block too).
 */
function appliedEverywhereAt(watch: HeadWatch, number: number): number | undefined {
  let latest = 0;
  for (const arrivals of watch.arrivals) {
    let first = Number.POSITIVE_INFINITY;
    for (const [n, at] of arrivals) if (n >= number && at < first) first = at;
    if (first === Number.POSITIVE_INFINITY) return undefined;
    latest = Math.max(latest, first);
  }
  return latest;
}

/** The first node's announcement of block `number` or a later one (the proposer's, in practice). */
function appliedFirstAt(watch: HeadWatch, number: number): number | undefined {
  let first = Number.POSITIVE_INFINITY;
  for (const arrivals of watch.arrivals)
    for (const [n, at] of arrivals) if (n >= number && at < first) first = at;
  return first === Number.POSITIVE_INFINITY ? undefined : first;
}

async function waitUntil(what: string, predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Every node announced a block after `after`: the deployment makes blocks and every node applies them. */
async function waitAllMoving(watch: HeadWatch, after: number): Promise<void> {
  await waitUntil('every node to apply new blocks', () =>
    watch.arrivals.every((arrivals) => [...arrivals.keys()].some((n) => n > after)),
  );
}

// ---- CPU and the nodes' own timings, to see where the time goes --------------------------------

/** CPU seconds (user + system) a process has used so far, or undefined once it is gone. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine so far (all cores), from /proc/stat. */
function machineCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((sum, n) => sum + n, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** phalanx_block_duration_seconds of one node: build (+ etcd append) + commit, or import. */
async function blockDurations(rpcUrl: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${rpcUrl}/metrics`)).text();
  const read = (suffix: string): number =>
    Number(
      new RegExp(`^phalanx_block_duration_seconds_${suffix} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN,
    );
  return { sum: read('sum'), count: read('count') };
}

interface Usage {
  /** performance.now() when read. */
  readonly at: number;
  readonly nodes: (number | undefined)[];
  readonly etcd: (number | undefined)[];
  readonly bench: number;
  readonly machine: { busy: number; total: number } | undefined;
  readonly durations: { sum: number; count: number }[];
}

async function readUsage(deployment: Deployment): Promise<Usage> {
  const { user, system } = process.cpuUsage();
  const at = performance.now();
  return {
    at,
    nodes: deployment.nodes.map((node) => processCpuSeconds(node.child.pid!)),
    etcd: deployment.etcdPids.map(processCpuSeconds),
    bench: (user + system) / 1e6,
    machine: machineCpuSeconds(),
    durations: await Promise.all(deployment.nodes.map((node) => blockDurations(node.rpcUrl))),
  };
}

/** Measures an etcd put (one Raft commit) every `everyMs` until stopped; latencies in ms. */
function probeEtcd(endpoints: readonly string[], everyMs: number): { stop(): Promise<number[]> } {
  const client = new Etcd3({ hosts: [...endpoints] });
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      await client.put('phalanx-bench-probe/put').value('x');
      latencies.push(performance.now() - start);
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop.catch(() => {});
      client.close();
      return latencies;
    },
  };
}

// ---- etcd.block ------------------------------------------------------------------------------------

interface BlockRun {
  readonly latencies: number[];
  /** The same, until the first node (the proposer) announced each block. */
  readonly firstLatencies: number[];
  readonly blocksPerSecond: number;
}

async function measureBlocks(
  deployment: Deployment,
  warmupMs: number,
  measuredMs: number,
): Promise<BlockRun> {
  const watch = await watchHeads(deployment);
  try {
    await waitAllMoving(watch, 0);
    await sleep(warmupMs);
    const t0 = Date.now();
    await sleep(measuredMs);
    const t1 = Date.now();
    // Let every node announce what was built inside the window (a follower needs tens of ms).
    await sleep(500);
    const latencies: number[] = [];
    const firstLatencies: number[] = [];
    for (const [number, { timestamp }] of watch.headers) {
      if (timestamp <= t0 || timestamp > t1) continue;
      const everywhere = appliedEverywhereAt(watch, number);
      const first = appliedFirstAt(watch, number);
      if (everywhere === undefined || first === undefined) continue;
      latencies.push(everywhere - timestamp);
      firstLatencies.push(first - timestamp);
    }
    if (latencies.length === 0) throw new Error(`${deployment.kind}: no block in the measured window`);
    return { latencies, firstLatencies, blocksPerSecond: latencies.length / ((t1 - t0) / 1000) };
  } finally {
    await watch.close();
  }
}

// ---- etcd.transfers --------------------------------------------------------------------------------

interface TransferRun {
  readonly seconds: number;
  /** Transfers in blocks applied on every node inside the window. */
  readonly included: number;
  /** Transfers in blocks the first node (the proposer) applied inside the window. */
  readonly includedFirst: number;
  readonly blocks: number;
  readonly biggest: number;
  readonly exhausted: boolean;
  readonly accepted: number;
  readonly retried: number;
  readonly errors: Record<string, number>;
  readonly before: Usage;
  readonly after: Usage;
  /** Block authors (node names) of the counted blocks. */
  readonly authors: Set<string>;
  /** etcd put latencies under the load (ms), etcd only. */
  readonly probe: number[];
}

async function measureTransfers(
  deployment: Deployment,
  queues: readonly (readonly string[])[],
  warmupMs: number,
  measuredMs: number,
  etcdEndpoints: readonly string[] | undefined,
): Promise<TransferRun> {
  const watch = await watchHeads(deployment);
  try {
    await waitAllMoving(watch, 0);
    const stopClients = new AbortController();
    const targets = deployment.submitTo ?? deployment.nodes;
    const clients = queues.map((queue, i) =>
      submitInBatches(targets[i % targets.length]!.rpcUrl, queue, stopClients.signal),
    );
    await sleep(warmupMs);
    const before = await readUsage(deployment);
    const t0 = Date.now();
    const probe = etcdEndpoints ? probeEtcd(etcdEndpoints, 200) : undefined;
    await sleep(measuredMs);
    const stoppedAt = Date.now();
    const after = await readUsage(deployment);
    stopClients.abort();
    const stats = await Promise.all(clients);
    const probed = (await probe?.stop()) ?? [];
    const exhaustedAt = stats.map((s) => s.exhaustedAt).filter((t): t is number => t !== undefined);
    const t1 = Math.min(stoppedAt, ...exhaustedAt);
    if (t1 <= t0) throw new Error('the signed transfers ran out during the warm-up: sign more');
    // A block counts only if every node announced it by t1, so nothing later matters: only the
    // announcements still on their way from the nodes.
    await sleep(100);

    const rpc = createHttpClient(deployment.nodes[0]!.rpcUrl);
    let included = 0;
    let includedFirst = 0;
    let blocks = 0;
    let biggest = 0;
    const authors = new Set<string>();
    const names = new Map(deployment.names.map((name) => [bytesToHex(devKeypair(name).publicKey), name]));
    for (const [number, { hash, author }] of watch.headers) {
      const everywhere = appliedEverywhereAt(watch, number);
      const first = appliedFirstAt(watch, number);
      const inEverywhere = everywhere !== undefined && everywhere > t0 && everywhere <= t1;
      const inFirst = first !== undefined && first > t0 && first <= t1;
      if (!inEverywhere && !inFirst) continue;
      const info = await getBlock(rpc, hash);
      const count = info?.block.extrinsics.length ?? 0;
      if (inFirst) includedFirst += count;
      if (inEverywhere) {
        included += count;
        blocks++;
        biggest = Math.max(biggest, count);
        authors.add(names.get(author) ?? author.slice(0, 8));
      }
    }
    return {
      seconds: (t1 - t0) / 1000,
      included,
      includedFirst,
      blocks,
      biggest,
      exhausted: exhaustedAt.length > 0,
      accepted: stats.reduce((sum, s) => sum + s.accepted, 0),
      retried: stats.reduce((sum, s) => sum + s.retried, 0),
      errors: sumErrors(stats),
      before,
      after,
      authors,
      probe: probed,
    };
  } finally {
    await watch.close();
  }
}

async function withDeployment<T>(
  start: () => Promise<Deployment>,
  use: (deployment: Deployment) => Promise<T>,
): Promise<T> {
  const deployment = await start();
  try {
    return await use(deployment);
  } finally {
    await deployment.stop();
  }
}

// ---- the benchmark -----------------------------------------------------------------------------------

const ms = (n: number): string => n.toFixed(1);
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
};

function usageRows(run: TransferRun, names: readonly string[]): string[] {
  const delta = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined || b === undefined ? undefined : b - a;
  const rows: string[] = [];
  // CPU per second of the usage window, times seconds per transfer of the counting window.
  const cpuSeconds = (run.after.at - run.before.at) / 1000;
  const rate = run.included / run.seconds;
  const perTransfer = (cpu: number): string =>
    rate > 0 ? ((cpu / cpuSeconds) * (1e6 / rate)).toFixed(0) : '–';
  run.before.nodes.forEach((cpu, i) => {
    const used = delta(cpu, run.after.nodes[i]);
    const d0 = run.before.durations[i]!;
    const d1 = run.after.durations[i]!;
    const count = d1.count - d0.count;
    const mean = count > 0 ? ((d1.sum - d0.sum) / count) * 1000 : Number.NaN;
    const role = run.authors.has(names[i]!) ? 'proposer' : names.length > 1 ? 'follower' : 'solo';
    rows.push(
      `| node ${names[i]} (${role}) | ${used === undefined ? '–' : used.toFixed(1)} | ${used === undefined ? '–' : perTransfer(used)} | ${count} blocks, ${Number.isNaN(mean) ? '–' : ms(mean)} ms each |`,
    );
  });
  run.before.etcd.forEach((cpu, i) => {
    const used = delta(cpu, run.after.etcd[i]);
    rows.push(
      `| etcd member${i} | ${used === undefined ? '–' : used.toFixed(1)} | ${used === undefined ? '–' : perTransfer(used)} | |`,
    );
  });
  const bench = run.after.bench - run.before.bench;
  rows.push(`| this process (clients, subscriptions) | ${bench.toFixed(1)} | ${perTransfer(bench)} | |`);
  if (run.before.machine && run.after.machine) {
    const busy = run.after.machine.busy - run.before.machine.busy;
    const total = run.after.machine.total - run.before.machine.total;
    rows.push(
      `| whole machine (every process, others' too) | ${busy.toFixed(1)} of ${total.toFixed(1)} | ${perTransfer(busy)} | ${((100 * busy) / total).toFixed(0)} % busy |`,
    );
  }
  return rows;
}

export async function runEtcdBench(options: BenchOptions = { quick: false }): Promise<BenchResult> {
  const blockWarmupMs = options.quick ? 500 : 2000;
  const blockMeasuredMs = options.quick ? 2000 : 10_000;
  const transferWarmupMs = options.quick ? 1000 : 5000;
  const transferMeasuredMs = options.quick ? 3000 : 20_000;
  const senderCount = options.quick ? 1_000 : 20_000;
  const transferBlockTimeMs = options.quick ? FAST_BLOCK_TIME_MS : BLOCK_TIME_MS;
  // Signed in advance: as many as 2,000 transfers per second would take (above the solo node's
  // sustained rate here, node.transfers.sustained). Running out ends the window early.
  const budget = Math.ceil(((transferWarmupMs + transferMeasuredMs) / 1000) * 2000);

  const dir = mkdtempSync(join(tmpdir(), 'phalanx-bench-etcd-'));
  let cluster: EtcdCluster | undefined;
  try {
    for (const name of AUTHORITIES) {
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(toKeyFile(devKeypair(name))), { mode: 0o600 });
    }
    const senders: Keypair[] = Array.from({ length: senderCount }, (_, i) =>
      ed25519FromSeed(devSeed(`bench-etcd-${i}`)),
    );
    const bench = createBenchGenesis({
      chainName: 'bench etcd',
      senders: senders.map((key) => key.publicKey),
      totalAccounts: 0,
    }).genesis;
    // Solo seals as alice (`--dev`); the etcd nodes as alice, bob and charlie.
    const genesis: Genesis = {
      ...bench,
      system: {
        ...bench.system,
        authorities: AUTHORITIES.map((name) => encodeAddress(devKeypair(name).publicKey)),
      },
    };
    cluster = await startEtcdCluster({ members: 3 });
    const etcd = cluster;

    // Signed once the chain's genesis hash is known, before any clock starts; both chains share it.
    let queues: string[][] = [];
    const signTransfers = async (deployment: Deployment): Promise<void> => {
      const { genesisHash } = await getChainInfo(createHttpClient(deployment.nodes[0]!.rpcUrl));
      queues = Array.from({ length: CLIENTS }, () => []);
      for (let nonce = 0; nonce < Math.ceil(budget / senderCount); nonce++) {
        for (let i = 0; i < senderCount; i++) {
          const bytes = signExtrinsic({
            genesisHash,
            signerSeed: senders[i]!.secretSeed,
            signer: senders[i]!.publicKey,
            nonce,
            call: balancesCalls.transfer({
              dest: senders[(i + 1) % senderCount]!.publicKey,
              amount: UNIT / 100n,
            }),
          });
          // A sender always goes to the same client, so to the same node: its nonces stay in order.
          queues[i % CLIENTS]!.push(toHex(bytes));
        }
      }
    };
    const transfersOn = (deployment: Deployment): Promise<TransferRun> =>
      measureTransfers(
        deployment,
        queues,
        transferWarmupMs,
        transferMeasuredMs,
        deployment.kind === 'etcd' ? etcd.endpoints : undefined,
      );
    // --quick measures the transfers on the 50 ms deployments too: four node starts fewer.
    const soloRuns = await withDeployment(
      () => startSolo(genesis, FAST_BLOCK_TIME_MS),
      async (deployment) => {
        await signTransfers(deployment);
        const blocks = await measureBlocks(deployment, blockWarmupMs, blockMeasuredMs);
        return { blocks, transfers: options.quick ? await transfersOn(deployment) : undefined };
      },
    );
    const etcdRuns = await withDeployment(
      () => startEtcdNodes(genesis, FAST_BLOCK_TIME_MS, etcd, dir, 'bench-block/'),
      async (deployment) => {
        const blocks = await measureBlocks(deployment, blockWarmupMs, blockMeasuredMs);
        return { blocks, transfers: options.quick ? await transfersOn(deployment) : undefined };
      },
    );
    const soloBlocks = soloRuns.blocks;
    const etcdBlocks = etcdRuns.blocks;
    const soloTransfers =
      soloRuns.transfers ??
      (await withDeployment(() => startSolo(genesis, transferBlockTimeMs), transfersOn));
    const etcdTransfers =
      etcdRuns.transfers ??
      (await withDeployment(
        () => startEtcdNodes(genesis, transferBlockTimeMs, etcd, dir, 'bench-transfers/'),
        transfersOn,
      ));
    // One node on a fresh prefix of the same cluster: alice alone campaigns, so proposes, and every
    // client submits to her (transfersOn spreads the clients over the deployment's nodes).
    const oneNodeTransfers = await withDeployment(
      () => startEtcdNodes(genesis, transferBlockTimeMs, etcd, dir, 'bench-one-node/', ['alice']),
      transfersOn,
    );
    // What three nodes that each execute every block get out of this machine without etcd at all.
    const noEtcdTransfers = await withDeployment(
      () => startFollowers(genesis, transferBlockTimeMs),
      transfersOn,
    );

    const blockValue = median(etcdBlocks.latencies);
    const blockBaseline = median(soloBlocks.latencies);
    const rate = (run: TransferRun): number => run.included / run.seconds;
    const soloRate = rate(soloTransfers);
    const etcdRate = rate(etcdTransfers);
    const oneNodeRate = rate(oneNodeTransfers);
    const noEtcdRate = rate(noEtcdTransfers);
    const cut = (run: TransferRun): string =>
      run.exhausted ? ' (cut short: the signed transfers ran out, so it keeps up with more)' : '';
    const refusals = (run: TransferRun): string =>
      Object.keys(run.errors).length > 0 ? `, other refusals: ${JSON.stringify(run.errors)}` : '';
    const probe = etcdTransfers.probe;
    const cpuWindow = (run: TransferRun): string => ((run.after.at - run.before.at) / 1000).toFixed(1);
    return {
      figures: [
        figure('etcd.block', 'ms/block (latency)', blockValue, {
          name: 'solo: the same on one node',
          value: blockBaseline,
        }),
        figure('etcd.transfers', 'µs/transfer (wall)', 1e6 / etcdRate, {
          name: 'solo: the same on one node',
          value: 1e6 / soloRate,
        }),
        figure('etcd.transfers.oneNode', 'µs/transfer (wall)', 1e6 / oneNodeRate, {
          name: 'solo: the same on one node',
          value: 1e6 / soloRate,
        }),
        figure('etcd.transfers.noEtcd', 'µs/transfer (wall)', 1e6 / noEtcdRate, {
          name: 'solo: the same on one node',
          value: 1e6 / soloRate,
        }),
      ],
      markdown: [
        `\`phalanx node\` processes on one genesis (${senderCount.toLocaleString('en')} endowed senders; authorities alice, bob, charlie): **solo** is one node sealing as alice; **etcd** is a three-member etcd cluster on loopback (data on the local disk) and three nodes on it, one proposing and two following.`,
        '',
        `**\`etcd.block\`**: empty blocks at ${FAST_BLOCK_TIME_MS} ms (the CLI's smallest block time), ${blockWarmupMs / 1000} s warm-up then ${blockMeasuredMs / 1000} s; latency from a block's timestamp until every node announced it (newHeads, WebSocket).`,
        '',
        '| ordering | blocks per second | median latency (ms) | p90 (ms) | median until the proposer announced it (ms) |',
        '|---|---:|---:|---:|---:|',
        `| solo (baseline) | ${soloBlocks.blocksPerSecond.toFixed(1)} | ${ms(blockBaseline)} | ${ms(percentile(soloBlocks.latencies, 0.9))} | ${ms(median(soloBlocks.firstLatencies))} |`,
        `| etcd, 3 nodes | ${etcdBlocks.blocksPerSecond.toFixed(1)} | ${ms(blockValue)} | ${ms(percentile(etcdBlocks.latencies, 0.9))} | ${ms(median(etcdBlocks.firstLatencies))} |`,
        '',
        `\`etcd.block\` / solo: **${(blockValue / blockBaseline).toFixed(1)}**.`,
        '',
        `**\`etcd.transfers\`**: ${transferBlockTimeMs} ms blocks, default pool and block limits; ${CLIENTS} clients submitting JSON-RPC batches of ${BATCH} pre-signed transfers (all to the solo node; two per etcd node), ${transferWarmupMs / 1000} s warm-up then ${transferMeasuredMs / 1000} s; a transfer counts when the block holding it has been applied on every node inside the window.`,
        '',
        '| ordering | transfers per second (on every node) | µs per transfer | on the proposer alone, per second | blocks (largest) |',
        '|---|---:|---:|---:|---:|',
        `| solo (baseline) | ${soloRate.toFixed(0)} | ${(1e6 / soloRate).toFixed(0)} | ${(soloTransfers.includedFirst / soloTransfers.seconds).toFixed(0)} | ${soloTransfers.blocks} (${soloTransfers.biggest}) |`,
        `| etcd, 3 nodes | ${etcdRate.toFixed(0)} | ${(1e6 / etcdRate).toFixed(0)} | ${(etcdTransfers.includedFirst / etcdTransfers.seconds).toFixed(0)} | ${etcdTransfers.blocks} (${etcdTransfers.biggest}) |`,
        `| etcd, 1 node (\`oneNode\`) | ${oneNodeRate.toFixed(0)} | ${(1e6 / oneNodeRate).toFixed(0)} | ${(oneNodeTransfers.includedFirst / oneNodeTransfers.seconds).toFixed(0)} | ${oneNodeTransfers.blocks} (${oneNodeTransfers.biggest}) |`,
        `| no etcd: solo + 2 \`--follow\` nodes (\`noEtcd\`) | ${noEtcdRate.toFixed(0)} | ${(1e6 / noEtcdRate).toFixed(0)} | ${(noEtcdTransfers.includedFirst / noEtcdTransfers.seconds).toFixed(0)} | ${noEtcdTransfers.blocks} (${noEtcdTransfers.biggest}) |`,
        '',
        `etcd rate / solo rate: **${(etcdRate / soloRate).toFixed(2)}** (goal ≥ 0.5; the figure's value / baseline is its inverse, ${(soloRate / etcdRate).toFixed(2)}, goal ≤ 2).`,
        `\`etcd.transfers.oneNode\`: the proposer alone on the cluster (fresh prefix), all ${CLIENTS} clients on it, so every transfer takes the durable etcd admission; one node rate / solo rate: **${(oneNodeRate / soloRate).toFixed(2)}** (${oneNodeTransfers.seconds.toFixed(1)} s measured${cut(oneNodeTransfers)}, ${oneNodeTransfers.accepted.toLocaleString('en')} accepted, ${oneNodeTransfers.retried.toLocaleString('en')} sent again${refusals(oneNodeTransfers)}).`,
        `\`etcd.transfers.noEtcd\`: no etcd at all, alice sealing and two nodes following her over RPC, each re-executing every block, all ${CLIENTS} clients on alice: what three nodes that each execute every transfer get out of this machine, whatever orders their blocks; its rate / solo rate: **${(noEtcdRate / soloRate).toFixed(2)}** (${noEtcdTransfers.seconds.toFixed(1)} s measured${cut(noEtcdTransfers)}).`,
        `Solo: ${soloTransfers.seconds.toFixed(1)} s measured${cut(soloTransfers)}, ${soloTransfers.accepted.toLocaleString('en')} accepted, ${soloTransfers.retried.toLocaleString('en')} sent again (pool full)${refusals(soloTransfers)}. etcd: ${etcdTransfers.seconds.toFixed(1)} s measured${cut(etcdTransfers)}, ${etcdTransfers.accepted.toLocaleString('en')} accepted in answered batches, ${etcdTransfers.retried.toLocaleString('en')} sent again (pool full or etcd unavailable)${refusals(etcdTransfers)}.`,
        '',
        "Where the time goes during the measured window (CPU seconds from /proc; the machine's two cores give 2 CPU s per second; block timings from each node's `phalanx_block_duration_seconds`, wall clock: build + commit for solo, build + etcd append + commit for the etcd proposer, import for a follower):",
        '',
        `| process | CPU s (solo: ${cpuWindow(soloTransfers)} s, etcd: ${cpuWindow(etcdTransfers)} s, one node: ${cpuWindow(oneNodeTransfers)} s, no etcd: ${cpuWindow(noEtcdTransfers)} s of wall clock) | CPU µs per counted transfer | blocks |`,
        '|---|---:|---:|---|',
        '| **solo** | | | |',
        ...usageRows(soloTransfers, ['alice']),
        '| **etcd** | | | |',
        ...usageRows(etcdTransfers, AUTHORITIES),
        '| **etcd, one node** | | | |',
        ...usageRows(oneNodeTransfers, ['alice']),
        '| **no etcd: solo + 2 `--follow` nodes** | | | |',
        ...usageRows(noEtcdTransfers, AUTHORITIES),
        '',
        probe.length > 0
          ? `An etcd put of one small key (one Raft commit, what each accepted extrinsic costs its node) under this load: median ${ms(median(probe))} ms, p90 ${ms(percentile(probe, 0.9))} ms (${probe.length} puts, one every 200 ms).`
          : '',
        oneNodeTransfers.probe.length > 0
          ? `The same under the one-node load: median ${ms(median(oneNodeTransfers.probe))} ms, p90 ${ms(percentile(oneNodeTransfers.probe, 0.9))} ms.`
          : '',
      ].join('\n'),
    };
  } finally {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log((await runEtcdBench({ quick: process.argv.includes('--quick') })).markdown);
}
