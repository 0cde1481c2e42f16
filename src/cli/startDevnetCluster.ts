// `phalanx devnet --nodes N`: an etcd cluster of N members and N nodes ordering through it, each its
// own supervised process (the devnet's `supervise`, as for workers: logs in logs/<name>.log, the PID
// in devnet-pids.json, restarted on the same data folder and flags). The members start one after
// another, each once it serves its peers (a member asks every peer whether the cluster exists yet
// and allows each a second: started all at once, three members took 2.2 s against 0.3 s in turn, as
// measured for the test fixture startEtcdCluster);
// the nodes start together once etcd is healthy. Resolves once every node answers RPC and one of
// them proposes, so that the addresses the devnet prints work.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createHttpClient } from '../client/createHttpClient.js';
import { getHealth } from '../client/getHealth.js';
import type { Keypair } from '../codec/keys.js';
import { NodeError } from '../node/errors.js';
import { findOnPath, isEtcdHealthy, requireEtcdExecutable } from '../node/ordering/etcd/etcdExecutable.js';
import { findFreePorts, findTakenPort } from '../node/ordering/etcd/findFreePorts.js';
import type { StatePruning } from '../node/store/statePruning.js';
import { UsageError } from './commands/cliSupport.js';
import { writeKeyFile } from './keyFile.js';
import { loadOrCreateEtcdCluster } from './loadOrCreateEtcdCluster.js';
import { type DevnetClusterPlan, planDevnetCluster } from './planDevnetCluster.js';
import type { SupervisedProcess } from './superviseProcess.js';

export interface DevnetClusterOptions {
  dataDir: string;
  /** One per node, in order: node i seals with authorities[i], which the genesis names. */
  authorities: readonly Keypair[];
  genesisFile: string;
  /** node-1's RPC port, the next nodes' the ports after it; 0: any free ports. */
  rpcPort: number;
  blockIntervalMs: number;
  logLevel: string;
  /** The `phalanx` CLI entry (see selfCommand in commands/devnet.ts). */
  cli: { command: string; prefix: readonly string[] };
  /** Starts one child as the devnet supervises its children; `group` says when it is stopped. */
  supervise: (
    group: 'etcd' | 'nodes',
    name: string,
    command: string,
    args: readonly string[],
  ) => SupervisedProcess;
  /** Each child's log, for errors about a child that did not come up. */
  logFile: (name: string) => string;
  statePruning?: StatePruning;
  rpcAllowedHosts?: readonly string[];
  rpcAllowedOrigins?: readonly string[];
  /** How long each stage may take (etcd healthy, nodes answering, a proposer); default 60 s. */
  timeoutMs?: number;
}

export interface DevnetCluster {
  /** Every member's client URL. */
  etcdEndpoints: string[];
  nodes: { name: string; rpcUrl: string; wsUrl: string }[];
}

/** The `etcd` executable on PATH; NodeError `EtcdNotInstalled` naming Debian's package if there is none. */
export function requireEtcd(nodes: number): string {
  return requireEtcdExecutable(`--nodes ${nodes} runs an etcd cluster, but `);
}

export async function startDevnetCluster(options: DevnetClusterOptions): Promise<DevnetCluster> {
  const etcd = requireEtcd(options.authorities.length);
  const count = options.authorities.length;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const rpcPorts =
    options.rpcPort === 0
      ? await findFreePorts(count)
      : Array.from({ length: count }, (_, i) => options.rpcPort + i);
  if (rpcPorts.at(-1)! > 65535)
    throw new UsageError(`--rpc-port: ${options.rpcPort} + ${count - 1} is past 65535`);
  const cluster = await loadOrCreateEtcdCluster(options.dataDir, count);
  const etcdPorts = cluster.members.flatMap((m) => [m.clientPort, m.peerPort]);
  const taken = await findTakenPort([...(options.rpcPort === 0 ? [] : rpcPorts), ...etcdPorts]);
  if (taken !== undefined) {
    throw new UsageError(
      rpcPorts.includes(taken)
        ? `--rpc-port: the nodes take ports ${rpcPorts[0]}-${rpcPorts.at(-1)}, and ${taken} is in use; give another --rpc-port (0 for any free ones)`
        : `port ${taken} of this devnet's etcd cluster (${join(options.dataDir, 'etcd-cluster.json')}) is in use: is another program on it?`,
    );
  }
  const plan = planDevnetCluster({
    dataDir: options.dataDir,
    etcd: cluster,
    rpcPorts,
    genesisFile: options.genesisFile,
    blockIntervalMs: options.blockIntervalMs,
    logLevel: options.logLevel,
    ...(options.statePruning === undefined ? {} : { statePruning: options.statePruning }),
    ...(options.rpcAllowedHosts ? { rpcAllowedHosts: options.rpcAllowedHosts } : {}),
    ...(options.rpcAllowedOrigins ? { rpcAllowedOrigins: options.rpcAllowedOrigins } : {}),
  });

  await startEtcd(plan, etcd, options, timeoutMs);
  // The dev keys are public anyway; the files are what `phalanx node --authority-key` reads.
  mkdirSync(join(options.dataDir, 'keys'), { recursive: true });
  for (const [i, node] of plan.nodes.entries()) {
    if (!existsSync(node.keyFile)) await writeKeyFile(node.keyFile, options.authorities[i]!);
  }
  for (const node of plan.nodes) {
    options.supervise('nodes', node.name, options.cli.command, [...options.cli.prefix, ...node.args]);
  }
  await waitForNodes(plan, options, timeoutMs);
  return {
    etcdEndpoints: plan.etcd.map((m) => m.endpoint),
    nodes: plan.nodes.map(({ name, rpcUrl, wsUrl }) => ({ name, rpcUrl, wsUrl })),
  };
}

async function startEtcd(
  plan: DevnetClusterPlan,
  etcd: string,
  options: DevnetClusterOptions,
  timeoutMs: number,
): Promise<void> {
  // setpriv (util-linux) has the kernel SIGKILL the member when the devnet dies, even by SIGKILL;
  // etcd, unlike our own children, does not watch an IPC channel. It execs etcd: same PID, same signals.
  const setpriv = findOnPath('setpriv');
  for (const member of plan.etcd) {
    const [command, args] = setpriv
      ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', etcd, ...member.args]]
      : [etcd, member.args];
    options.supervise('etcd', member.name, command, args);
    await waitUntil(
      `etcd ${member.name} to serve its peers`,
      async () => (await fetchOk(`http://127.0.0.1:${member.peerPort}/members`)) || undefined,
      timeoutMs,
      () => logTail(options.logFile(member.name)),
    );
  }
  for (const member of plan.etcd) {
    await waitUntil(
      `etcd ${member.name} to be healthy (a leader and a quorum)`,
      async () => {
        const body = await fetchText(`${member.endpoint}/health`);
        return body !== undefined && isEtcdHealthy(body) ? true : undefined;
      },
      timeoutMs,
      () => logTail(options.logFile(member.name)),
    );
  }
}

async function waitForNodes(
  plan: DevnetClusterPlan,
  options: DevnetClusterOptions,
  timeoutMs: number,
): Promise<void> {
  const clients = plan.nodes.map((node) => createHttpClient(node.rpcUrl, { timeoutMs: 2000 }));
  try {
    for (const [i, node] of plan.nodes.entries()) {
      await waitUntil(
        `${node.name} to answer on ${node.rpcUrl}`,
        async () => getHealth(clients[i]!),
        timeoutMs,
        () => logTail(options.logFile(node.name)),
      );
    }
    await waitUntil(
      'a node to become the proposer',
      async () => {
        const health = await Promise.all(clients.map((c) => getHealth(c).catch(() => undefined)));
        return health.some((h) => h?.role === 'proposer') ? true : undefined;
      },
      timeoutMs,
      () => plan.nodes.map((node) => `${node.name}:\n${logTail(options.logFile(node.name))}`).join('\n'),
    );
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** Polls `probe` until it gives a value; a timeout is a NodeError with the child's last log lines. */
async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  tail: () => string,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (performance.now() > deadline) {
      throw new NodeError(
        'DevnetStartFailed',
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message ?? last})` : ''}; its log ends:\n${tail()}`,
        { what },
      );
    }
    await delay(50);
  }
}

async function fetchText(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    const body = await response.text();
    return response.ok ? body : undefined;
  } catch {
    return undefined;
  }
}

async function fetchOk(url: string): Promise<boolean> {
  return (await fetchText(url)) !== undefined;
}

function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}
