// `phalanx query stake|session|sessions|challenges|assignments` run in process through the real
// command tree against a real node whose genesis holds three workers of bob's. The state is made by
// real extrinsics in blocks sealed by hand, so each answer is known: w0 and w1 in session holding
// contract 0 on two replicas, w2 bonded only and unbonding part of its stake.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callMethod } from '../../client/callMethod.js';
import { createHttpClient } from '../../client/createHttpClient.js';
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { type SeededNode, startSeededNode } from '../../node/testing/startSeededNode.js';
import { UNIT } from '../../runtime/balances/types.js';
import { computationRpc } from '../../runtime/computation/schemas.js';
import { computationCalls } from '../../runtime/computation/types.js';
import { contractsCalls } from '../../runtime/contracts/types.js';
import { DEV_HEARTBEAT_WINDOW, DEV_MIN_STAKE } from '../../runtime/genesis/createDevGenesisConfig.js';
import { stakingCalls } from '../../runtime/staking/types.js';
import { runPhalanx } from '../testing.js';

const bob = devKeypair('bob');
const charlie = devKeypair('charlie');
const CODE_HASH = new Uint8Array(32).fill(0x5e);

describe('phalanx query stake, session, sessions, challenges and assignments', () => {
  let chain: SeededNode;
  let w0: string;
  let w1: string;
  let w2: string;
  /** Block at which w2's unbonded 300 PHX unlock. */
  let unlockAt: number;
  const query = (...args: string[]) => runPhalanx('query', ...args, '--rpc', chain.url);

  async function seal(): Promise<void> {
    const outcomes = await chain.seal();
    assert.ok(
      outcomes.every((o) => o.ok),
      JSON.stringify(outcomes),
    );
  }

  before(async () => {
    chain = await startSeededNode({ operator: bob, count: 3 });
    [w0, w1, w2] = chain.workers.map((w) => toHex(w.identity.publicKey)) as [string, string, string];
    for (const worker of chain.workers) {
      await chain.submit(bob, stakingCalls.bond(worker.identity.publicKey, DEV_MIN_STAKE));
    }
    await chain.submit(bob, computationCalls.start(chain.workers[0]!.identity.publicKey));
    await chain.submit(bob, computationCalls.start(chain.workers[1]!.identity.publicKey));
    await chain.submit(bob, stakingCalls.unbond(chain.workers[2]!.identity.publicKey, 300n * UNIT));
    await seal();
    unlockAt = chain.node.head().signed.header.number + 20;
    await chain.submit(charlie, contractsCalls.deploy(CODE_HASH, 2));
    await seal();
  });
  after(async () => {
    await chain.close();
  });

  it('shows a stake in PHX with its unbonding chunks, and the same as JSON', async () => {
    const human = await query('stake', w2);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(
      human.stdout,
      [
        `worker     ${w2}`,
        `owner      ${encodeAddress(bob.publicKey)}`,
        `active     700 PHX (${700n * UNIT})`,
        'locked     no',
        `min stake  1,000 PHX (${DEV_MIN_STAKE})`,
        'unbonding',
        `  300 PHX (${300n * UNIT}) withdrawable from block #${unlockAt}`,
      ].join('\n'),
    );
    const json = await query('stake', encodeAddress(chain.workers[0]!.identity.publicKey), '--json');
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), {
      worker: w0,
      owner: encodeAddress(bob.publicKey),
      active: DEV_MIN_STAKE.toString(),
      unbonding: [],
      locked: true,
      minStake: DEV_MIN_STAKE.toString(),
    });
  });

  it('shows a session, and says which worker has none', async () => {
    const human = await query('session', w0);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^state {11}Serving$/m);
    assert.match(human.stdout, /^session {9}1 \(started at block #1\)$/m);
    assert.match(human.stdout, /^contracts {7}1$/m);
    assert.match(human.stdout, /^last heartbeat {2}never$/m);
    const json = JSON.parse((await query('session', w1, '--json')).stdout) as {
      state: string;
      worker: string;
    };
    assert.deepEqual([json.worker, json.state], [w1, 'Serving']);
    const none = await query('session', w2);
    assert.equal(none.code, 1);
    assert.equal(none.stderr, `error: worker ${w2} has never started a session (SessionNotFound)`);
    const unknown = await query('stake', toHex(new Uint8Array(32).fill(1)));
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /has no stake \(StakeNotFound\)$/);
  });

  it('lists sessions as a table, filtered by a state named in any case, one page at a time', async () => {
    const [first, second] = [w0, w1].sort() as [string, string];
    const all = await query('sessions');
    assert.equal(all.code, 0, all.stderr);
    const lines = all.stdout.split('\n');
    assert.match(
      lines[0]!,
      /^WORKER\s+STATE\s+SESSION\s+HEARTBEAT\s+OPEN CHALLENGE\s+STRIKES\s+MISSES\s+CONTRACTS$/,
    );
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2)),
      [
        [first, 'Serving'],
        [second, 'Serving'],
      ],
    );
    const serving = await query('sessions', '--state', 'serving', '--json');
    assert.equal((JSON.parse(serving.stdout) as { sessions: unknown[] }).sessions.length, 2);
    const idle = await query('sessions', '--state', 'Idle');
    assert.equal(idle.stdout, 'no sessions in state Idle');

    const page = await query('sessions', '--limit', '1');
    assert.equal(page.code, 0, page.stderr);
    assert.equal(page.stdout.split('\n').at(-1), `more: --start-after ${first}`);
    const next = JSON.parse(
      (await query('sessions', '--start-after', first, '--limit', '1', '--json')).stdout,
    ) as {
      sessions: { worker: string }[];
      next: string | null;
    };
    assert.deepEqual(
      next.sessions.map((s) => s.worker),
      [second],
    );
    assert.equal(next.next, null);
  });

  it('refuses an unknown state, a bad page size and a malformed key with exit status 2', async () => {
    const cases: [string[], string][] = [
      [
        ['sessions', '--state', 'Sleeping'],
        'error: --state: unknown session state "Sleeping" (one of Ready, Idle, Serving, Unresponsive, CoolingDown)',
      ],
      [['sessions', '--limit', '0'], 'error: --limit: expected an integer from 1 to 500, got "0"'],
      [
        ['sessions', '--start-after', 'w0'],
        'error: expected a worker pubkey (0x + 64 hex digits, or phx1...), got "w0"',
      ],
      [['stake', '0x12'], 'error: expected a worker pubkey (0x + 64 hex digits, or phx1...), got "0x12"'],
      [['session', 'bob'], 'error: expected a worker pubkey (0x + 64 hex digits, or phx1...), got "bob"'],
      [['challenges', 'latest'], 'error: block: expected an integer from 0 to 4294967295, got "latest"'],
      [['assignments', '-'], 'error: contractId: expected an integer from 0 to 4294967295, got "-"'],
    ];
    for (const [args, message] of cases) {
      const run = await query(...args);
      assert.equal(run.code, 2, args.join(' '));
      assert.equal(run.stderr, message);
    }
  });

  it('shows the contract and its holders, one contract by id, and names an unknown id', async () => {
    const human = await query('assignments');
    assert.equal(human.code, 0, human.stderr);
    const lines = human.stdout.split('\n');
    assert.equal(lines[0], `contract 0  code ${toHex(CODE_HASH)}  owner ${encodeAddress(charlie.publicKey)}`);
    assert.equal(lines[2], '  replicas 2/2');
    assert.deepEqual(
      lines
        .slice(3)
        .map((l) => l.trim())
        .sort(),
      [w0, w1].sort(),
    );
    const one = JSON.parse((await query('assignments', '0', '--json')).stdout) as {
      contract: number;
      workers: string[];
    };
    assert.equal(one.contract, 0);
    assert.deepEqual(one.workers.sort(), [w0, w1].sort());
    const missing = await query('assignments', '4');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'error: no contract 4 is deployed (ContractNotFound)');
  });

  it('shows an open challenge with its deadline, and the workers challenged at its block', async () => {
    const client = createHttpClient(chain.url);
    let open: { worker: string; block: number; deadline: number } | undefined;
    // Each dev worker is challenged within maxSilence (40 blocks) of its start.
    for (let i = 0; i < 45 && open === undefined; i++) {
      await seal();
      open = (await callMethod(client, computationRpc.getChallenges)).pending[0];
    }
    await client.close();
    assert.ok(open, 'a challenge within 45 blocks');
    assert.equal(open.deadline, open.block + DEV_HEARTBEAT_WINDOW);
    const human = await query('challenges');
    assert.equal(human.code, 0, human.stderr);
    assert.match(
      human.stdout,
      /^best block #\d+: 2 workers in session, 1 challenge\(s\) expected per block$/m,
    );
    assert.match(
      human.stdout,
      new RegExp(
        `^open challenges:\\n(.*\\n)*  ${open.worker} session 1, challenged #${open.block}, deadline #${open.deadline}$`,
        'm',
      ),
    );
    const atBlock = JSON.parse((await query('challenges', String(open.block), '--json')).stdout) as {
      block: number;
      challenged: { worker: string }[];
    };
    assert.equal(atBlock.block, open.block);
    assert.ok(atBlock.challenged.some((c) => c.worker === open.worker));
    const session = await query('session', open.worker);
    assert.match(
      session.stdout,
      new RegExp(`^challenge {7}open since block #${open.block}, deadline #${open.deadline}$`, 'm'),
    );
  });
});
