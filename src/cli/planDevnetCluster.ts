// What `phalanx devnet --nodes N` runs, as data: for each etcd member and each node, its name, data
// folder, ports and argv. Pure, so that the flags every child gets are tested without starting one
// (planDevnetCluster.test.ts); startDevnetCluster.ts runs the plan.
import { join } from 'node:path';
import { etcdMemberCommand } from '../node/ordering/etcd/etcdMemberCommand.js';
import type { StatePruning } from '../node/store/statePruning.js';
import type { EtcdClusterFile } from './loadOrCreateEtcdCluster.js';

export interface PlannedEtcdMember {
  name: string;
  dataDir: string;
  /** `http://127.0.0.1:<client port>`: what the nodes' `--etcd` lists. */
  endpoint: string;
  peerPort: number;
  /** etcd's flags; the command is the `etcd` executable. */
  args: string[];
}

export interface PlannedNode {
  name: string;
  dataDir: string;
  keyFile: string;
  rpcUrl: string;
  wsUrl: string;
  /** `phalanx` arguments (after the CLI entry). */
  args: string[];
}

export interface DevnetClusterPlan {
  etcd: PlannedEtcdMember[];
  nodes: PlannedNode[];
}

export interface DevnetClusterInput {
  dataDir: string;
  etcd: EtcdClusterFile;
  /** One RPC port per node, in node order. */
  rpcPorts: readonly number[];
  genesisFile: string;
  blockIntervalMs: number;
  /** The nodes' pino level. */
  logLevel: string;
  statePruning?: StatePruning;
  rpcAllowedHosts?: readonly string[];
  rpcAllowedOrigins?: readonly string[];
}

/** The nodes' names: node-1 … node-N (also their etcd names and their folders under the data folder). */
export function devnetNodeName(index: number): string {
  return `node-${index + 1}`;
}

export function planDevnetCluster(input: DevnetClusterInput): DevnetClusterPlan {
  const cluster = input.etcd.members.map((m) => ({ name: m.name, peerPort: m.peerPort }));
  const etcd = input.etcd.members.map((member) => {
    const dataDir = join(input.dataDir, member.name);
    const { args } = etcdMemberCommand({
      name: member.name,
      dataDir,
      clientPort: member.clientPort,
      peerPort: member.peerPort,
      cluster,
      token: input.etcd.token,
      // Ignored once the member's folder holds a WAL: a restart rejoins as recorded there.
      state: 'new',
    });
    return {
      name: member.name,
      dataDir,
      endpoint: `http://127.0.0.1:${member.clientPort}`,
      peerPort: member.peerPort,
      args,
    };
  });
  const endpoints = etcd.map((m) => m.endpoint).join(',');
  const nodes = input.rpcPorts.map((port, i) => {
    const name = devnetNodeName(i);
    const dataDir = join(input.dataDir, name);
    const keyFile = join(input.dataDir, 'keys', `${name}.json`);
    return {
      name,
      dataDir,
      keyFile,
      rpcUrl: `http://127.0.0.1:${port}`,
      wsUrl: `ws://127.0.0.1:${port}`,
      args: [
        'node',
        '--ordering',
        'etcd',
        '--etcd',
        endpoints,
        '--name',
        name,
        '--authority-key',
        keyFile,
        '--genesis',
        input.genesisFile,
        '--data-dir',
        dataDir,
        '--rpc-port',
        String(port),
        '--block-time',
        String(input.blockIntervalMs),
        '--log-level',
        input.logLevel,
        ...(input.statePruning === undefined ? [] : ['--state-pruning', String(input.statePruning)]),
        ...(input.rpcAllowedHosts ? ['--rpc-allowed-hosts', input.rpcAllowedHosts.join(',')] : []),
        ...(input.rpcAllowedOrigins ? ['--rpc-cors', input.rpcAllowedOrigins.join(',')] : []),
      ],
    };
  });
  return { etcd, nodes };
}
