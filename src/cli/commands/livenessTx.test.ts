// `phalanx tx staking|computation|contracts` run in process through the real command tree against a
// real node (the Phalanx runtime, sealing every 50 ms) whose genesis holds two Provisioned,
// benchmarked workers of bob's; each transaction waits for its block, and the chain's state is read
// back through the RPC to check what it did.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callMethod } from '../../client/callMethod.js';
import { createHttpClient } from '../../client/createHttpClient.js';
import { getAccount } from '../../client/getAccount.js';
import type { RpcClient } from '../../client/types.js';
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { type SeededNode, startSeededNode } from '../../node/testing/startSeededNode.js';
import { UNIT } from '../../runtime/balances/types.js';
import { computationRpc } from '../../runtime/computation/schemas.js';
import { contractsRpc } from '../../runtime/contracts/schemas.js';
import { DEV_MIN_STAKE } from '../../runtime/genesis/createDevGenesisConfig.js';
import { stakingRpc } from '../../runtime/staking/schemas.js';
import { runPhalanx } from '../testing.js';

const bob = devKeypair('bob');
const CODE_HASH = `0x${'ab'.repeat(32)}`;

interface Inclusion {
  outcome: { ok: boolean; error?: { module: string; error: string } };
  blockNumber: number;
  events: { module: string; name: string; fields: Record<string, unknown> }[];
}

describe('phalanx tx staking, computation and contracts', () => {
  let chain: SeededNode;
  let client: RpcClient;
  let w0: string;
  let w1: string;
  /** `phalanx tx ARGS --rpc <node> --wait`, signed by `signer`. */
  const tx = (signer: string, ...args: string[]) =>
    runPhalanx('tx', ...args, '--dev', signer, '--rpc', chain.url, '--wait');

  before(async () => {
    // No challenge may expire during the test: it answers none, and sessions must stay Idle.
    chain = await startSeededNode({
      operator: bob,
      count: 2,
      blockIntervalMs: 50,
      computation: { heartbeatWindow: 10_000, maxSilence: 10_001 },
    });
    client = createHttpClient(chain.url);
    [w0, w1] = chain.workers.map((w) => toHex(w.identity.publicKey)) as [string, string];
  });
  after(async () => {
    await client.close();
    await chain.close();
  });

  it('bonds in PHX, starts a session, and prints the block and events of each', async () => {
    const freeBefore = (await getAccount(client, encodeAddress(bob.publicKey))).free;
    const bond = await tx('bob', 'staking', 'bond', w0, '1500PHX');
    assert.equal(bond.code, 0, bond.stderr);
    assert.match(bond.stdout, /^included 0x[0-9a-f]{64} in block #\d+ \(0x[0-9a-f]{64}\): success$/m);
    assert.match(bond.stdout, new RegExp(`^  staking\\.Bonded .*"worker":"${w0}"`, 'm'));
    // The phx1 form of the key names the same worker.
    const bondByAddress = await tx(
      'bob',
      'staking',
      'bond',
      encodeAddress(chain.workers[1]!.identity.publicKey),
      '1000PHX',
      '--json',
    );
    assert.equal(bondByAddress.code, 0, bondByAddress.stderr);
    assert.equal(
      (JSON.parse(bondByAddress.stdout) as Inclusion).events.find((e) => e.name === 'Bonded')?.fields.worker,
      w1,
    );
    const account = await getAccount(client, encodeAddress(bob.publicKey));
    assert.equal(account.reserved, 2500n * UNIT, 'the stakes sit in bob’s reserved balance');
    assert.ok(account.free < freeBefore - 2500n * UNIT, 'and fees were paid');

    const start = await tx('bob', 'computation', 'start', w0, '--json');
    assert.equal(start.code, 0, start.stderr);
    const inclusion = JSON.parse(start.stdout) as Inclusion;
    assert.deepEqual(inclusion.outcome, { ok: true });
    assert.deepEqual(
      inclusion.events.filter((e) => e.module === 'computation').map((e) => e.name),
      ['SessionStateChanged', 'SessionStarted'],
    );
    assert.equal((await callMethod(client, computationRpc.getSession, w0))?.state, 'Idle');
    assert.equal((await callMethod(client, stakingRpc.getStake, w0))?.locked, true);
  });

  it('reports a refused call by module and error name and exits 1', async () => {
    const notOperator = await tx('charlie', 'computation', 'start', w1);
    assert.equal(notOperator.code, 1);
    assert.match(notOperator.stdout, /: failed: computation\.NotOperator$/m);
    // w0 is in a session with 1500 PHX: 600 would leave it under minStake (1000).
    const locked = await tx('bob', 'staking', 'unbond', w0, '600PHX');
    assert.equal(locked.code, 1);
    assert.match(locked.stdout, /failed: staking\.StakeLocked/);
    const nothing = await tx('bob', 'staking', 'withdraw', w0);
    assert.equal(nothing.code, 1);
    assert.match(nothing.stdout, /failed: staking\.NothingToWithdraw/);
  });

  it('deploys a contract onto the worker in session and undeploys it, returning the deposit', async () => {
    const charlie = encodeAddress(devKeypair('charlie').publicKey);
    const reservedBefore = (await getAccount(client, charlie)).reserved;
    const deploy = await tx('charlie', 'contracts', 'deploy', CODE_HASH, '--replicas', '1', '--json');
    assert.equal(deploy.code, 0, deploy.stderr);
    const events = (JSON.parse(deploy.stdout) as Inclusion).events;
    const deployed = events.find((e) => e.module === 'contracts' && e.name === 'Deployed');
    assert.equal(deployed?.fields.codeHash, CODE_HASH);
    const id = deployed?.fields.contract as number;
    assert.deepEqual((await callMethod(client, contractsRpc.getAssignments, id))[0]?.workers, [w0]);
    assert.ok((await getAccount(client, charlie)).reserved > reservedBefore, 'the deposit is reserved');

    const notOwner = await tx('bob', 'contracts', 'undeploy', String(id));
    assert.equal(notOwner.code, 1);
    assert.match(notOwner.stdout, /failed: contracts\.NotOwner/);
    const undeploy = await tx('charlie', 'contracts', 'undeploy', String(id));
    assert.equal(undeploy.code, 0, undeploy.stderr);
    assert.match(undeploy.stdout, /contracts\.Undeployed/);
    assert.deepEqual(await callMethod(client, contractsRpc.getAssignments, id), []);
    assert.equal((await getAccount(client, charlie)).reserved, reservedBefore);
  });

  it('unbonds above minStake, stops the session, and withdraws once the cool-down has passed', async () => {
    const unbond = await tx('bob', 'staking', 'unbond', w0, '500PHX', '--json');
    assert.equal(unbond.code, 0, unbond.stderr);
    const unbonded = (JSON.parse(unbond.stdout) as Inclusion).events.find((e) => e.name === 'Unbonded')!;
    const unlockAt = unbonded.fields.unlockAt as number;
    const stake = await callMethod(client, stakingRpc.getStake, w0);
    assert.equal(stake?.active, DEV_MIN_STAKE.toString());
    assert.deepEqual(stake?.unbonding, [{ amount: (500n * UNIT).toString(), unlockAt }]);

    const stop = await tx('bob', 'computation', 'stop', w0);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal((await callMethod(client, computationRpc.getSession, w0))?.state, 'CoolingDown');

    while (chain.node.head().signed.header.number < unlockAt) await new Promise((r) => setTimeout(r, 50));
    const reserved = (await getAccount(client, encodeAddress(bob.publicKey))).reserved;
    const withdraw = await tx('bob', 'staking', 'withdraw', w0);
    assert.equal(withdraw.code, 0, withdraw.stderr);
    assert.match(withdraw.stdout, /staking\.Withdrawn/);
    assert.equal((await getAccount(client, encodeAddress(bob.publicKey))).reserved, reserved - 500n * UNIT);
  });

  it('refuses malformed arguments with exit status 2 before signing anything', async () => {
    const nonce = (await getAccount(client, encodeAddress(bob.publicKey))).nonce;
    const cases: [string[], RegExp][] = [
      [
        ['staking', 'bond', 'worker-7', '1PHX'],
        /expected a worker pubkey \(0x \+ 64 hex digits, or phx1\.\.\.\), got "worker-7"/,
      ],
      [['staking', 'bond', `0x${'12'.repeat(31)}`, '1PHX'], /expected a worker pubkey/],
      [['staking', 'bond', 'phx1qqqq', '1PHX'], /^error: /],
      [['staking', 'bond', w0, '0'], /amount: must be more than 0/],
      [
        ['staking', 'unbond', w0, '1.5ETH'],
        /amount: expected smallest units \(1500\) or PHX \(1\.5PHX\), got "1\.5ETH"/,
      ],
      [['computation', 'stop', 'nope'], /expected a worker pubkey/],
      [['contracts', 'deploy', '0x1234', '--replicas', '1'], /codeHash: expected 0x \+ 64 hex digits/],
      [['contracts', 'deploy', CODE_HASH, '--replicas', '0'], /--replicas: expected an integer from 1/],
      [['contracts', 'deploy', CODE_HASH], /required option '--replicas <n>'/],
      [['contracts', 'undeploy', 'first'], /id: expected an integer from 0/],
    ];
    for (const [args, message] of cases) {
      const run = await tx('bob', ...args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
      assert.equal(run.stdout, '');
    }
    assert.equal(
      (await getAccount(client, encodeAddress(bob.publicKey))).nonce,
      nonce,
      'nothing was submitted',
    );
  });
});
