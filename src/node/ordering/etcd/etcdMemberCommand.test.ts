import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { PhalanxError } from '../../../codec/errors.js';
import { type EtcdMemberConfig, etcdMemberCommand } from './etcdMemberCommand.js';

const cluster = [
  { name: 'm0', peerPort: 23800 },
  { name: 'm1', peerPort: 23801 },
  { name: 'm2', peerPort: 23802 },
];
const config: EtcdMemberConfig = {
  name: 'm1',
  dataDir: '/var/lib/phalanx/etcd/m1',
  clientPort: 23701,
  peerPort: 23801,
  cluster,
  token: 'phalanx-devnet-1',
  state: 'new',
};

function refusal(change: Partial<EtcdMemberConfig>): unknown {
  try {
    etcdMemberCommand({ ...config, ...change });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('etcdMemberCommand', () => {
  it('builds the argv of one member of a three-member loopback cluster', () => {
    assert.deepEqual(etcdMemberCommand(config), {
      command: 'etcd',
      args: [
        '--name=m1',
        '--data-dir=/var/lib/phalanx/etcd/m1',
        '--listen-client-urls=http://127.0.0.1:23701',
        '--advertise-client-urls=http://127.0.0.1:23701',
        '--listen-peer-urls=http://127.0.0.1:23801',
        '--initial-advertise-peer-urls=http://127.0.0.1:23801',
        '--initial-cluster=m0=http://127.0.0.1:23800,m1=http://127.0.0.1:23801,m2=http://127.0.0.1:23802',
        '--initial-cluster-token=phalanx-devnet-1',
        '--initial-cluster-state=new',
        '--max-request-bytes=10485760',
        '--max-txn-ops=1024',
        '--auto-compaction-mode=revision',
        '--auto-compaction-retention=1000',
        '--heartbeat-interval=100',
        '--election-timeout=1000',
        '--pre-vote=true',
        '--snapshot-count=10000',
        '--logger=zap',
        '--log-level=warn',
        '--log-outputs=stderr',
      ],
    });
  });

  it('takes a tenth of the election timeout as the heartbeat interval', () => {
    const { args } = etcdMemberCommand({ ...config, electionTimeoutMs: 500, state: 'existing' });
    assert.ok(args.includes('--heartbeat-interval=50'));
    assert.ok(args.includes('--election-timeout=500'));
    assert.ok(args.includes('--initial-cluster-state=existing'));
  });

  it('passes only flags that the installed etcd lists in its --help', () => {
    // etcd 3.4 prints its flags to stdout (and a usage summary to stderr).
    const help = execFileSync('etcd', ['--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const { args } = etcdMemberCommand(config);
    for (const arg of args) {
      const flag = arg.slice(0, arg.indexOf('='));
      assert.match(help, new RegExp(`^\\s+${flag} `, 'm'), `etcd --help does not list ${flag}`);
    }
  });

  it('refuses a member outside its cluster, duplicates, bad names, ports, tokens and timings', () => {
    const cases: Partial<EtcdMemberConfig>[] = [
      { name: 'm9' },
      { peerPort: 23802 },
      { cluster: [...cluster, { name: 'm3', peerPort: 23800 }] },
      { cluster: [...cluster, { name: 'm0', peerPort: 23803 }] },
      { name: 'm,1', cluster: [{ name: 'm,1', peerPort: 23801 }] },
      { clientPort: 0 },
      { clientPort: 70000 },
      { clientPort: 23801 },
      { token: '' },
      { token: 'a,b' },
      { dataDir: '' },
      { electionTimeoutMs: 40 },
      { electionTimeoutMs: 505 },
      { electionTimeoutMs: 60000 },
    ];
    for (const change of cases) {
      const error = refusal(change);
      assert.ok(error instanceof PhalanxError, `accepted ${JSON.stringify(change)}`);
      assert.equal(error.code, 'InvalidEtcdMember');
    }
  });
});
