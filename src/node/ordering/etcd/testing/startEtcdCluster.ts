// Real etcd clusters on loopback for tests: each member is an `etcd` process (Debian's etcd-server)
// with its own data folder and free ports, so a test can SIGKILL a member, restart it on the same
// data, and watch the others keep serving. Never a stand-in: the ordering engine's guarantees are
// Raft's, and only real members show them.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeError } from '../../../errors.js';
import { findOnPath, isEtcdHealthy, requireEtcdExecutable } from '../etcdExecutable.js';
import { etcdMemberCommand } from '../etcdMemberCommand.js';
import { findFreePorts } from '../findFreePorts.js';

export interface EtcdClusterMember {
  readonly name: string;
  /** `http://127.0.0.1:<client port>`, for `new Etcd3({ hosts: [endpoint] })`. */
  readonly endpoint: string;
  readonly dataDir: string;
  /** The running process's id; undefined while the member is killed. */
  readonly pid: number | undefined;
}

export interface EtcdCluster {
  /** Every member's client URL, in member order. */
  readonly endpoints: readonly string[];
  readonly members: readonly EtcdClusterMember[];
  /** SIGKILL member i and wait until it has exited. */
  kill(i: number): Promise<void>;
  /** Start member i again on its data folder and ports, and wait until it is healthy. */
  restart(i: number): Promise<void>;
  /** Wait until member i (or every running member) answers /health with true: it has a leader and quorum. */
  waitHealthy(i?: number): Promise<void>;
  /** Kill every member and remove the folder the cluster made (not a `dir` the caller passed). Idempotent. */
  stop(): Promise<void>;
}

export interface StartEtcdClusterOptions {
  readonly members: number;
  /** Where the members' data folders go; default: a new temporary folder, removed by `stop`. */
  readonly dir?: string;
  /** Raft election timeout (ms); default 500 so that a killed leader is replaced quickly. */
  readonly electionTimeoutMs?: number;
  /** How long to wait for a member to start or become healthy (ms); default 15,000. */
  readonly timeoutMs?: number;
}

/** One member as the fixture tracks it; ports are chosen anew on each attempt at starting. */
interface Member {
  readonly name: string;
  readonly dataDir: string;
  readonly logPath: string;
  clientPort: number;
  peerPort: number;
  process: ChildProcess | undefined;
  /** Resolves when the current process has exited (at once if none was started). */
  exited: Promise<void>;
}

/** Attempts at picking ports: another process may bind a port between our probe and etcd's bind. */
const PORT_ATTEMPTS = 3;
const POLL_MS = 25;

export async function startEtcdCluster(options: StartEtcdClusterOptions): Promise<EtcdCluster> {
  const etcd = requireEtcdExecutable('');
  if (!Number.isInteger(options.members) || options.members < 1)
    throw new NodeError(
      'InvalidEtcdMember',
      `an etcd cluster needs at least one member, not ${options.members}`,
      {
        members: options.members,
      },
    );
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'phalanx-etcd-'));
  const timeoutMs = options.timeoutMs ?? 15_000;
  const electionTimeoutMs = options.electionTimeoutMs ?? 500;
  // setpriv (util-linux) makes the kernel SIGKILL etcd when the process that spawned it dies, even
  // by SIGKILL, when no 'exit' handler runs; without it the handler below is the only guard.
  const setpriv = findOnPath('setpriv');
  const live = new Set<Member>();
  let stopped = false;

  const members: Member[] = Array.from({ length: options.members }, (_, i) => {
    const memberDir = join(dir, `member${i}`);
    return {
      name: `member${i}`,
      dataDir: join(memberDir, 'data'),
      logPath: join(memberDir, 'etcd.log'),
      clientPort: 0,
      peerPort: 0,
      process: undefined,
      exited: Promise.resolve(),
    };
  });
  let token = '';

  // Always with --initial-cluster-state=new: on a restart the member's WAL overrides every
  // --initial-* flag, and 'existing' is only for a member added to a running cluster.
  const launch = (member: Member): void => {
    const { args } = etcdMemberCommand({
      name: member.name,
      dataDir: member.dataDir,
      clientPort: member.clientPort,
      peerPort: member.peerPort,
      cluster: members.map((m) => ({ name: m.name, peerPort: m.peerPort })),
      token,
      state: 'new',
      electionTimeoutMs,
    });
    mkdirSync(join(member.dataDir, '..'), { recursive: true });
    // etcd logs to stderr; a file per member (appended across restarts) keeps it for failures.
    const log = openSync(member.logPath, 'a');
    try {
      const child = setpriv
        ? spawn(setpriv, ['--pdeathsig', 'SIGKILL', '--', etcd, ...args], { stdio: ['ignore', log, log] })
        : spawn(etcd, args, { stdio: ['ignore', log, log] });
      member.process = child;
      live.add(member);
      member.exited = new Promise((resolve) => {
        const gone = (): void => {
          live.delete(member);
          resolve();
        };
        child.once('exit', gone);
        // A failed spawn emits 'error' and may never emit 'exit'.
        child.once('error', gone);
      });
    } finally {
      closeSync(log);
    }
  };

  const isRunning = (member: Member): boolean => member.process !== undefined && live.has(member);

  const logTail = (member: Member): string => {
    try {
      return readFileSync(member.logPath, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  };

  /** Polls a URL of the member until `accept` says yes, the member exits, or time runs out. */
  const waitFor = async (
    member: Member,
    port: 'clientPort' | 'peerPort',
    path: string,
    accept: (status: number, body: string) => boolean,
    what: string,
  ): Promise<void> => {
    const deadline = performance.now() + timeoutMs;
    let last = 'no answer';
    for (;;) {
      if (!isRunning(member))
        throw new NodeError(
          'EtcdExited',
          `etcd ${member.name} exited before it was ${what}:\n${logTail(member)}`,
          {
            member: member.name,
            exitCode: member.process?.exitCode,
            signal: member.process?.signalCode,
          },
        );
      try {
        const response = await fetch(`http://127.0.0.1:${member[port]}${path}`, {
          signal: AbortSignal.timeout(1000),
        });
        const body = await response.text();
        if (accept(response.status, body)) return;
        last = `${response.status} ${body}`;
      } catch (error) {
        last = String(error);
      }
      if (performance.now() > deadline)
        throw new NodeError(
          'EtcdNotHealthy',
          `etcd ${member.name} was not ${what} within ${timeoutMs} ms (last answer: ${last}):\n${logTail(member)}`,
          { member: member.name, last },
        );
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };

  const waitMemberHealthy = (member: Member): Promise<void> =>
    waitFor(
      member,
      'clientPort',
      '/health',
      (status, body) => status === 200 && isEtcdHealthy(body),
      'healthy',
    );

  const killMember = async (member: Member): Promise<void> => {
    if (isRunning(member)) member.process!.kill('SIGKILL');
    await member.exited;
  };

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(members.map(killMember));
    clusters.delete(cluster);
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
  };

  // Start the members one after another, each once the previous one serves: a new member first asks
  // every peer whether it was bootstrapped already, allowing each a second, and a peer whose port is
  // bound but not yet serving uses that second up (measured: 2.2 s for three members started at
  // once, against 0.3 s in turn).
  const startAll = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const ports = await findFreePorts(2 * members.length);
      members.forEach((member, i) => {
        member.clientPort = ports[2 * i]!;
        member.peerPort = ports[2 * i + 1]!;
      });
      token = `phalanx-${randomBytes(8).toString('hex')}`;
      try {
        for (const member of members) {
          launch(member);
          // The peer port answers as soon as the member serves its peers; the client port only once
          // the cluster has a leader, which needs the members started after this one.
          await waitFor(member, 'peerPort', '/members', (status) => status === 200, 'serving its peers');
        }
        await Promise.all(members.map(waitMemberHealthy));
        return;
      } catch (error) {
        await Promise.all(members.map(killMember));
        const portTaken = members.some((m) => logTail(m).includes('address already in use'));
        if (!portTaken || attempt >= PORT_ATTEMPTS) throw error;
        for (const member of members) rmSync(join(member.dataDir, '..'), { recursive: true, force: true });
      }
    }
  };

  const memberAt = (i: number): Member => {
    const member = members[i];
    if (member === undefined)
      throw new NodeError('InvalidEtcdMember', `the cluster has no member ${i}`, {
        index: i,
        size: members.length,
      });
    return member;
  };

  const cluster: EtcdCluster = {
    get endpoints() {
      return members.map((m) => `http://127.0.0.1:${m.clientPort}`);
    },
    members: members.map((member) => ({
      name: member.name,
      dataDir: member.dataDir,
      get endpoint() {
        return `http://127.0.0.1:${member.clientPort}`;
      },
      get pid() {
        return isRunning(member) ? member.process!.pid : undefined;
      },
    })),
    kill: (i) => killMember(memberAt(i)),
    async restart(i) {
      const member = memberAt(i);
      if (stopped) throw new NodeError('InvalidState', 'the etcd cluster was stopped', {});
      if (isRunning(member)) throw new NodeError('InvalidState', `etcd ${member.name} is running`, {});
      launch(member);
      await waitMemberHealthy(member);
    },
    async waitHealthy(i) {
      const which = i === undefined ? members.filter(isRunning) : [memberAt(i)];
      await Promise.all(which.map(waitMemberHealthy));
    },
    stop,
  };
  cleanUpOnExit(cluster, () => {
    for (const member of live) member.process?.kill('SIGKILL');
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
  });
  try {
    await startAll();
  } catch (error) {
    await stop();
    throw error;
  }
  return cluster;
}

// Every cluster not yet stopped, with a synchronous clean-up for process exit: a test that fails
// before its own clean-up, or a process that ends on an uncaught error, leaves no etcd behind.
const clusters = new Map<EtcdCluster, () => void>();
let exitHookInstalled = false;

function cleanUpOnExit(cluster: EtcdCluster, cleanUp: () => void): void {
  clusters.set(cluster, cleanUp);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const clean of clusters.values()) clean();
  });
}
