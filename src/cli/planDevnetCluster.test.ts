import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDevnetCluster } from './planDevnetCluster.js';

const etcd = {
  token: 'phalanx-devnet-0123456789abcdef',
  members: [
    { name: 'etcd-1', clientPort: 2001, peerPort: 2002 },
    { name: 'etcd-2', clientPort: 2003, peerPort: 2004 },
    { name: 'etcd-3', clientPort: 2005, peerPort: 2006 },
  ],
};

/** The value after `--flag` in an argv, or the `--flag=value` form's value. */
function flag(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at >= 0) return args[at + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

describe('planDevnetCluster', () => {
  const plan = planDevnetCluster({
    dataDir: '/data/devnet',
    etcd,
    rpcPorts: [9944, 9945, 9946],
    genesisFile: '/data/devnet/genesis.json',
    blockIntervalMs: 200,
    logLevel: 'info',
    statePruning: 'archive',
    rpcAllowedHosts: ['devbox', 'devbox.lan'],
  });

  it('gives each etcd member its own folder and ports, the whole cluster and the devnet’s token', () => {
    assert.deepEqual(
      plan.etcd.map((m) => [m.name, m.dataDir, m.endpoint]),
      [
        ['etcd-1', '/data/devnet/etcd-1', 'http://127.0.0.1:2001'],
        ['etcd-2', '/data/devnet/etcd-2', 'http://127.0.0.1:2003'],
        ['etcd-3', '/data/devnet/etcd-3', 'http://127.0.0.1:2005'],
      ],
    );
    for (const member of plan.etcd) {
      assert.equal(flag(member.args, 'name'), member.name);
      assert.equal(flag(member.args, 'data-dir'), member.dataDir);
      assert.equal(flag(member.args, 'listen-client-urls'), member.endpoint);
      assert.equal(flag(member.args, 'listen-peer-urls'), `http://127.0.0.1:${member.peerPort}`);
      assert.equal(
        flag(member.args, 'initial-cluster'),
        'etcd-1=http://127.0.0.1:2002,etcd-2=http://127.0.0.1:2004,etcd-3=http://127.0.0.1:2006',
      );
      assert.equal(flag(member.args, 'initial-cluster-token'), etcd.token);
    }
  });

  it('runs node i on every etcd endpoint with its own name, key, folder and RPC port, and the devnet’s options', () => {
    assert.deepEqual(
      plan.nodes.map((n) => [n.name, n.dataDir, n.keyFile, n.rpcUrl, n.wsUrl]),
      [1, 2, 3].map((i) => [
        `node-${i}`,
        `/data/devnet/node-${i}`,
        `/data/devnet/keys/node-${i}.json`,
        `http://127.0.0.1:${9943 + i}`,
        `ws://127.0.0.1:${9943 + i}`,
      ]),
    );
    for (const node of plan.nodes) {
      assert.equal(node.args[0], 'node');
      assert.equal(flag(node.args, 'ordering'), 'etcd');
      assert.equal(
        flag(node.args, 'etcd'),
        'http://127.0.0.1:2001,http://127.0.0.1:2003,http://127.0.0.1:2005',
      );
      assert.equal(flag(node.args, 'name'), node.name);
      assert.equal(flag(node.args, 'authority-key'), node.keyFile);
      assert.equal(flag(node.args, 'data-dir'), node.dataDir);
      assert.equal(flag(node.args, 'rpc-port'), node.rpcUrl.split(':').at(-1));
      assert.equal(flag(node.args, 'genesis'), '/data/devnet/genesis.json');
      assert.equal(flag(node.args, 'block-time'), '200');
      assert.equal(flag(node.args, 'state-pruning'), 'archive');
      assert.equal(flag(node.args, 'rpc-allowed-hosts'), 'devbox,devbox.lan');
      assert.equal(flag(node.args, 'rpc-cors'), undefined, 'no --rpc-cors unless the devnet was given one');
    }
  });
});
