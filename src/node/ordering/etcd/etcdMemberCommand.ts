// The command line of one member of an etcd cluster on loopback, for the test fixture and for
// `phalanx devnet` (which supervises three members as child processes). Pure: the caller picks the
// ports, the data folder and the token. Written for Debian's etcd-server 3.4.23: every flag below is
// in its `etcd --help` (checked by the test).
import { NodeError } from '../../errors.js';

export interface EtcdMemberConfig {
  /** The member's name, also its key in `--initial-cluster`. */
  readonly name: string;
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
  /** Every member of the cluster, this one included. */
  readonly cluster: readonly { readonly name: string; readonly peerPort: number }[];
  /** Unique per cluster, so that members of two clusters that reuse ports never join each other. */
  readonly token: string;
  /**
   * 'new' to bootstrap the cluster, 'existing' to join a running one after `etcdctl member add`.
   * Neither matters on a restart: a member whose data folder holds a WAL ignores every
   * `--initial-*` flag and rejoins as recorded there.
   */
  readonly state: 'new' | 'existing';
  /**
   * Raft's election timeout (ms, a multiple of 10 from 100 to 50000); the heartbeat is a tenth of
   * it. Default 1000 (etcd's), which tolerates a busy machine; tests pass 500 so that writes resume
   * sooner after the leader is killed.
   */
  readonly electionTimeoutMs?: number;
}

const MEMBER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The argv of one member: `spawn(command, args)`. Throws NodeError `InvalidEtcdMember` on bad input. */
export function etcdMemberCommand(config: EtcdMemberConfig): { command: 'etcd'; args: string[] } {
  checkConfig(config);
  const electionTimeoutMs = config.electionTimeoutMs ?? 1000;
  const client = `http://127.0.0.1:${config.clientPort}`;
  const peer = `http://127.0.0.1:${config.peerPort}`;
  const initialCluster = config.cluster.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
  // Every flag as `--flag=value`: Go's flag package reads a boolean flag's value only in that form
  // (`--pre-vote true` would leave "true" as a stray argument), so one form for all.
  const flags: Record<string, string> = {
    name: config.name,
    'data-dir': config.dataDir,
    'listen-client-urls': client,
    'advertise-client-urls': client,
    'listen-peer-urls': peer,
    'initial-advertise-peer-urls': peer,
    'initial-cluster': initialCluster,
    'initial-cluster-token': config.token,
    'initial-cluster-state': config.state,
    // A block travels as one put in one transaction: 10 MiB (default 1.5 MiB) leaves room for blocks
    // of a few MB. 10 MiB is also the most etcd recommends; past it, it logs a warning at start.
    'max-request-bytes': '10485760',
    // One transaction may append a block and update the head and its indexes (default 128).
    'max-txn-ops': '1024',
    // Keep the last 1000 revisions of history (compacted every 5 minutes in 3.4), so the database
    // stays bounded even if our own compaction lags; the ordering engine compacts too.
    'auto-compaction-mode': 'revision',
    'auto-compaction-retention': '1000',
    // Raft timing; etcd refuses an election timeout under 5 heartbeats.
    'heartbeat-interval': String(electionTimeoutMs / 10),
    'election-timeout': String(electionTimeoutMs),
    // A member that comes back after a kill or a stall first asks whether it could win before
    // raising the term, so its return does not depose a healthy leader (default false in 3.4, true
    // from 3.6).
    'pre-vote': 'true',
    // Raft entries stay in memory until a snapshot: with blocks of up to a few MB, 3.4's default of
    // 100,000 entries could hold gigabytes. 10,000 is 3.6's default.
    'snapshot-count': '10000',
    // Structured logs, warnings and errors only, to stderr even under systemd (where 'default'
    // would mean journald): the supervisor captures stderr.
    logger: 'zap',
    'log-level': 'warn',
    'log-outputs': 'stderr',
    // --quota-backend-bytes is left at its default (2 GiB): the block log is compacted, so the
    // database stays far below it, and a smaller quota would only raise the NOSPACE alarm (which
    // stops all writes until an operator defragments) sooner.
  };
  return { command: 'etcd', args: Object.entries(flags).map(([flag, value]) => `--${flag}=${value}`) };
}

function checkConfig(config: EtcdMemberConfig): void {
  const fail = (message: string, details: Record<string, unknown>): never => {
    throw new NodeError('InvalidEtcdMember', message, details);
  };
  for (const member of [config, ...config.cluster]) {
    if (!MEMBER_NAME.test(member.name))
      fail(`etcd member name ${JSON.stringify(member.name)} is not 1-64 of [A-Za-z0-9_-]`, {
        name: member.name,
      });
  }
  for (const [what, port] of [
    ['client port', config.clientPort],
    ['peer port', config.peerPort],
    ...config.cluster.map((m) => [`peer port of ${m.name}`, m.peerPort] as const),
  ] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      fail(`etcd ${what} ${port} is not a TCP port`, { port });
  }
  if (config.clientPort === config.peerPort)
    fail(`etcd client and peer ports are both ${config.clientPort}`, { port: config.clientPort });
  if (config.dataDir === '') fail('etcd data folder is empty', {});
  if (config.token === '' || /[\s,=]/.test(config.token))
    fail(`etcd cluster token ${JSON.stringify(config.token)} is empty or holds a space, ',' or '='`, {
      token: config.token,
    });
  const names = new Set(config.cluster.map((m) => m.name));
  const peerPorts = new Set(config.cluster.map((m) => m.peerPort));
  if (names.size !== config.cluster.length || peerPorts.size !== config.cluster.length)
    fail('etcd cluster lists a member name or peer port twice', { cluster: config.cluster });
  const self = config.cluster.find((m) => m.name === config.name);
  if (self?.peerPort !== config.peerPort)
    fail(`etcd member ${config.name} is not in its cluster with peer port ${config.peerPort}`, {
      name: config.name,
      cluster: config.cluster,
    });
  const election = config.electionTimeoutMs;
  if (
    election !== undefined &&
    (!Number.isInteger(election) || election % 10 !== 0 || election < 100 || election > 50000)
  )
    fail(`etcd election timeout ${election} ms is not a multiple of 10 from 100 to 50000`, {
      electionTimeoutMs: election,
    });
}
