import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../codec/bytes.js';
import type { Call } from '../../codec/chain.js';
import { devKeypair } from '../../codec/devKeys.js';
import { Accounts } from '../balances/storage.js';
import { TREASURY_ACCOUNT } from '../balances/types.js';
import { Sessions } from '../computation/storage.js';
import { type SeededWorker, seedWorkers } from '../computation/testing.js';
import { computationCalls } from '../computation/types.js';
import { DEV_ENDOWMENT, DEV_MIN_STAKE } from '../genesis/createDevGenesisConfig.js';
import { governanceCalls } from '../governance/types.js';
import { feeAndNonceKeys, outcomeOf } from '../registry/testing.js';
import type { DecodedEvent } from '../support/events.js';
import { createTestChain, type ExtrinsicReport, type Signer, type TestChain } from '../testing.js';
import { slashStake } from './stake.js';
import { Stakes } from './storage.js';
import { MAX_UNBONDING_CHUNKS, stakingCalls } from './types.js';

const bob = devKeypair('bob');
const BOB = toHex(bob.publicKey);
/** The dev genesis's cool-down (staking.unbondingBlocks). */
const UNBONDING_BLOCKS = 20;
/** The dev genesis's computation.cooldownBlocks. */
const COOLDOWN_BLOCKS = 20;

function chainWithWorker(): { chain: TestChain; worker: SeededWorker; key: Uint8Array } {
  const chain = createTestChain();
  chain.executeBlock([]);
  const [worker] = seedWorkers(chain, bob, 1);
  return { chain, worker: worker!, key: worker!.identity.publicKey };
}

function named(events: readonly DecodedEvent[]): [string, unknown][] {
  return events.map((event) => [`${event.module}.${event.name}`, event.data]);
}

/** The events between the fee and the extrinsic's success: what the call itself said. */
function callEvents(report: ExtrinsicReport): [string, unknown][] {
  assert.equal(outcomeOf(report), 'ok');
  const all = named(report.events);
  assert.equal(all[0]?.[0], 'balances.FeePaid');
  assert.equal(all.at(-1)?.[0], 'system.ExtrinsicSuccess');
  return all.slice(1, -1);
}

/** Applies `call`, expects `error`, and that it changed nothing but the signer's fee and nonce. */
function expectRefused(chain: TestChain, signer: Signer, call: Call, error: string): void {
  const report = chain.applySigned(signer, call);
  assert.equal(outcomeOf(report), error);
  assert.deepEqual(report.written, feeAndNonceKeys(signer));
  assert.deepEqual(
    report.events.map((event) => `${event.module}.${event.name}`),
    ['balances.FeePaid', 'system.ExtrinsicFailed'],
  );
}

function reservedOf(chain: TestChain, who: Uint8Array): bigint {
  return chain.account(who).reserved;
}

/** Runs empty blocks until the next block is `number`. */
function advanceTo(chain: TestChain, number: number): void {
  while (chain.number + 1 < number) chain.executeBlock([]);
}

describe('staking.bond', () => {
  it("reserves the operator's funds behind its worker, adding to the ledger, and says so", () => {
    const { chain, key } = chainWithWorker();
    const first = chain.applySigned(bob, stakingCalls.bond(key, 300n));
    assert.deepEqual(callEvents(first), [
      ['balances.Reserved', { who: BOB, amount: '300' }],
      ['staking.Bonded', { worker: toHex(key), owner: BOB, amount: '300' }],
    ]);
    const second = chain.applySigned(bob, stakingCalls.bond(key, 200n));
    assert.equal(outcomeOf(second), 'ok');
    assert.deepEqual(Stakes.get(chain.reader, key), {
      owner: bob.publicKey,
      active: 500n,
      unbonding: [],
      locked: false,
      held: 0n,
    });
    assert.equal(reservedOf(chain, bob.publicKey), 500n);
  });

  it('refuses a zero amount, an unknown worker, another account and more than the free balance, changing nothing', () => {
    const { chain, key } = chainWithWorker();
    expectRefused(chain, bob, stakingCalls.bond(key, 0n), 'staking.ZeroAmount');
    expectRefused(chain, bob, stakingCalls.bond(new Uint8Array(32).fill(9), 1n), 'staking.WorkerNotFound');
    expectRefused(chain, 'charlie', stakingCalls.bond(key, 1n), 'staking.NotOperator');
    expectRefused(chain, bob, stakingCalls.bond(key, DEV_ENDOWMENT), 'balances.InsufficientBalance');
    assert.equal(Stakes.get(chain.reader, key), undefined);
    assert.equal(reservedOf(chain, bob.publicKey), 0n);
  });
});

describe('staking.unbond', () => {
  it('moves active stake into a chunk that unlocks unbondingBlocks later, still reserved', () => {
    const { chain, key } = chainWithWorker();
    chain.applySigned(bob, stakingCalls.bond(key, 1000n));
    const at = chain.number + 1;
    const report = chain.applySigned(bob, stakingCalls.unbond(key, 400n));
    const unlockAt = at + UNBONDING_BLOCKS;
    assert.deepEqual(callEvents(report), [
      ['staking.Unbonded', { worker: toHex(key), owner: BOB, amount: '400', unlockAt }],
    ]);
    assert.deepEqual(Stakes.get(chain.reader, key), {
      owner: bob.publicKey,
      active: 600n,
      unbonding: [{ amount: 400n, unlockAt }],
      locked: false,
      held: 0n,
    });
    assert.equal(reservedOf(chain, bob.publicKey), 1000n);
  });

  it('refuses a stranger, a worker never staked, a zero amount and more than the active stake, changing nothing', () => {
    const { chain, key } = chainWithWorker();
    expectRefused(chain, bob, stakingCalls.unbond(key, 1n), 'staking.NotStakeOwner');
    chain.applySigned(bob, stakingCalls.bond(key, 1000n));
    expectRefused(chain, 'charlie', stakingCalls.unbond(key, 1n), 'staking.NotStakeOwner');
    expectRefused(chain, bob, stakingCalls.unbond(key, 0n), 'staking.ZeroAmount');
    expectRefused(chain, bob, stakingCalls.unbond(key, 1001n), 'staking.InsufficientStake');
    assert.equal(Stakes.get(chain.reader, key)?.active, 1000n);
  });

  it('refuses to take a stake in a session below minStake (StakeLocked), but unbonds what is above it', () => {
    const { chain, key } = chainWithWorker();
    chain.applySigned(bob, stakingCalls.bond(key, DEV_MIN_STAKE + 50n));
    assert.equal(outcomeOf(chain.applySigned(bob, computationCalls.start(key))), 'ok');
    assert.equal(Stakes.get(chain.reader, key)?.locked, true);
    expectRefused(chain, bob, stakingCalls.unbond(key, 51n), 'staking.StakeLocked');
    assert.equal(outcomeOf(chain.applySigned(bob, stakingCalls.unbond(key, 50n))), 'ok');
    assert.equal(Stakes.get(chain.reader, key)?.active, DEV_MIN_STAKE);
  });

  it('keeps the stake locked through the cool-down after stop, and frees it when the worker is Ready', () => {
    const { chain, key } = chainWithWorker();
    chain.applySigned(bob, stakingCalls.bond(key, DEV_MIN_STAKE));
    chain.applySigned(bob, computationCalls.start(key));
    const stoppedAt = chain.number + 1;
    assert.equal(outcomeOf(chain.applySigned(bob, computationCalls.stop(key))), 'ok');
    expectRefused(chain, bob, stakingCalls.unbond(key, DEV_MIN_STAKE), 'staking.StakeLocked');
    advanceTo(chain, stoppedAt + COOLDOWN_BLOCKS);
    assert.equal(Sessions.get(chain.reader, key)?.state, 'CoolingDown');
    chain.executeBlock([]);
    assert.equal(Sessions.get(chain.reader, key)?.state, 'Ready');
    assert.equal(Stakes.get(chain.reader, key)?.locked, false);
    assert.equal(outcomeOf(chain.applySigned(bob, stakingCalls.unbond(key, DEV_MIN_STAKE))), 'ok');
  });

  it(`refuses a chunk beyond MAX_UNBONDING_CHUNKS (${MAX_UNBONDING_CHUNKS}) until a withdraw frees room`, () => {
    const { chain, key } = chainWithWorker();
    chain.applySigned(bob, stakingCalls.bond(key, 1000n));
    const firstUnlock = chain.number + 1 + UNBONDING_BLOCKS;
    const beats = Array.from({ length: MAX_UNBONDING_CHUNKS }, () =>
      chain.sign(bob, stakingCalls.unbond(key, 1n)),
    );
    const { results } = chain.executeBlock(beats);
    assert.ok(results.every((result) => result.included && result.outcome.ok));
    expectRefused(chain, bob, stakingCalls.unbond(key, 1n), 'staking.TooManyUnbondingChunks');
    advanceTo(chain, firstUnlock);
    assert.equal(outcomeOf(chain.applySigned(bob, stakingCalls.withdraw(key))), 'ok');
    assert.equal(outcomeOf(chain.applySigned(bob, stakingCalls.unbond(key, 1n))), 'ok');
  });
});

describe('staking.withdraw', () => {
  it('returns exactly the chunks whose block has come, and deletes an emptied ledger', () => {
    const { chain, key } = chainWithWorker();
    chain.applySigned(bob, stakingCalls.bond(key, 1000n));
    const firstUnlock = chain.number + 1 + UNBONDING_BLOCKS;
    chain.applySigned(bob, stakingCalls.unbond(key, 300n));
    advanceTo(chain, chain.number + 5);
    const secondUnlock = chain.number + 1 + UNBONDING_BLOCKS;
    chain.applySigned(bob, stakingCalls.unbond(key, 700n));

    expectRefused(chain, bob, stakingCalls.withdraw(key), 'staking.NothingToWithdraw');
    advanceTo(chain, firstUnlock - 1);
    expectRefused(chain, bob, stakingCalls.withdraw(key), 'staking.NothingToWithdraw');
    assert.equal(chain.number + 1, firstUnlock);
    const freeBefore = chain.account(bob).free;
    const first = chain.applySigned(bob, stakingCalls.withdraw(key));
    assert.deepEqual(callEvents(first), [
      ['balances.Unreserved', { who: BOB, amount: '300' }],
      ['staking.Withdrawn', { worker: toHex(key), owner: BOB, amount: '300' }],
    ]);
    const fee = BigInt((first.events[0]!.data as { fee: string }).fee);
    assert.equal(chain.account(bob).free, freeBefore + 300n - fee);
    assert.deepEqual(Stakes.get(chain.reader, key), {
      owner: bob.publicKey,
      active: 0n,
      unbonding: [{ amount: 700n, unlockAt: secondUnlock }],
      locked: false,
      held: 0n,
    });
    expectRefused(chain, bob, stakingCalls.withdraw(key), 'staking.NothingToWithdraw');

    advanceTo(chain, secondUnlock);
    expectRefused(chain, 'charlie', stakingCalls.withdraw(key), 'staking.NotStakeOwner');
    assert.equal(outcomeOf(chain.applySigned(bob, stakingCalls.withdraw(key))), 'ok');
    assert.equal(Stakes.get(chain.reader, key), undefined);
    assert.equal(reservedOf(chain, bob.publicKey), 0n);
    expectRefused(chain, bob, stakingCalls.withdraw(key), 'staking.NotStakeOwner');
  });
});

describe('slashStake (the interface for computation)', () => {
  /** A ledger of 600 active and two chunks, 100 (older) then 300 (newer). */
  function slashable() {
    const { chain, key } = chainWithWorker();
    chain.applySigned(bob, stakingCalls.bond(key, 1000n));
    const older = chain.number + 1 + UNBONDING_BLOCKS;
    chain.applySigned(bob, stakingCalls.unbond(key, 100n));
    const newer = chain.number + 1 + UNBONDING_BLOCKS;
    chain.applySigned(bob, stakingCalls.unbond(key, 300n));
    return { chain, key, older, newer };
  }

  it('takes active stake first, then unbonding chunks from the newest, to the treasury', () => {
    const { chain, key, older, newer } = slashable();
    const ctx = chain.context();
    const treasury = Accounts.get(ctx.state, TREASURY_ACCOUNT)!.free;
    const reserved = Accounts.get(ctx.state, bob.publicKey)!.reserved;
    assert.equal(slashStake(ctx, key, 800n), 800n);
    assert.deepEqual(Stakes.get(ctx.state, key), {
      owner: bob.publicKey,
      active: 0n,
      unbonding: [
        { amount: 100n, unlockAt: older },
        { amount: 100n, unlockAt: newer },
      ],
      locked: false,
      held: 0n,
    });
    assert.equal(Accounts.get(ctx.state, bob.publicKey)!.reserved, reserved - 800n);
    assert.equal(Accounts.get(ctx.state, TREASURY_ACCOUNT)!.free, treasury + 800n);
    assert.deepEqual(named(ctx.state.events.map(chain.runtime.decodeEvent)), [
      ['balances.Slashed', { who: BOB, amount: '800' }],
      ['staking.StakeSlashed', { worker: toHex(key), owner: BOB, amount: '800' }],
    ]);
    // More than is left: takes the rest (newest chunk, then the older) and deletes the ledger.
    assert.equal(slashStake(ctx, key, 1000n), 200n);
    assert.equal(Stakes.get(ctx.state, key), undefined);
    assert.equal(Accounts.get(ctx.state, bob.publicKey)!.reserved, reserved - 1000n);
  });

  it('takes only from the newest chunk while that covers the amount', () => {
    const { chain, key, older, newer } = slashable();
    const ctx = chain.context();
    assert.equal(slashStake(ctx, key, 650n), 650n);
    assert.deepEqual(Stakes.get(ctx.state, key)?.unbonding, [
      { amount: 100n, unlockAt: older },
      { amount: 250n, unlockAt: newer },
    ]);
  });

  it('does nothing for a zero amount or a worker without stake', () => {
    const { chain, key } = slashable();
    const ctx = chain.context();
    assert.equal(slashStake(ctx, key, 0n), 0n);
    assert.equal(slashStake(ctx, new Uint8Array(32).fill(9), 100n), 0n);
    assert.deepEqual([...ctx.state.changes()], []);
    assert.deepEqual(ctx.state.events, []);
  });

  it('keeps the emptied ledger of a worker in a session (it stays locked)', () => {
    const { chain, key } = chainWithWorker();
    chain.applySigned(bob, stakingCalls.bond(key, DEV_MIN_STAKE));
    chain.applySigned(bob, computationCalls.start(key));
    const ctx = chain.context();
    assert.equal(slashStake(ctx, key, 2n * DEV_MIN_STAKE), DEV_MIN_STAKE);
    assert.deepEqual(Stakes.get(ctx.state, key), {
      owner: bob.publicKey,
      active: 0n,
      unbonding: [],
      locked: true,
      held: 0n,
    });
  });
});

describe('staking.setConfig', () => {
  it('replaces the parameters by governance and refuses a zero minStake', () => {
    const chain = createTestChain();
    const config = { minStake: 5n, unbondingBlocks: 3 };
    const report = chain.applySigned('alice', governanceCalls.sudo(stakingCalls.setConfig(config)));
    assert.deepEqual(
      named(report.events).find(([name]) => name === 'staking.ConfigChanged'),
      ['staking.ConfigChanged', { config: { minStake: '5', unbondingBlocks: 3 } }],
    );
    const refused = chain.applySigned(
      'alice',
      governanceCalls.sudo(stakingCalls.setConfig({ ...config, minStake: 0n })),
    );
    assert.deepEqual(
      named(refused.events).find(([name]) => name === 'governance.Sudid'),
      ['governance.Sudid', { ok: false, error: { module: 'staking', error: 'InvalidConfig', code: 8 } }],
    );
    // Signed directly, it is not even included.
    assert.equal(outcomeOf(chain.applySigned('bob', stakingCalls.setConfig(config))), 'invalid:BadOrigin');
  });
});
