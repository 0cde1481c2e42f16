import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { blake2b256 } from '../../codec/hash.js';
import { ed25519FromSeed } from '../../codec/keys.js';
import {
  DEV_ENDOWMENT,
  DEV_EXISTENTIAL_DEPOSIT as ED,
  DEV_FLAT_FEE as FEE,
} from '../genesis/createDevGenesisConfig.js';
import { DispatchError } from '../support/errors.js';
import { Nonces } from '../system/storage.js';
import { createTestChain, labelOf } from '../testing.js';
import { reserve, slashReserved, unreserve } from './currency.js';
import { Accounts } from './storage.js';
import { balancesCalls, TREASURY_ACCOUNT } from './types.js';

const alice = devKeypair('alice').publicKey;
const bob = devKeypair('bob').publicKey;
const hex = toHex;
const fresh = (n: number) => ed25519FromSeed(blake2b256(Uint8Array.of(n, 42)));
const accountLabel = (who: Uint8Array) => labelOf(Accounts.keyOf(who));
const nonceLabel = (who: Uint8Array) => labelOf(Nonces.keyOf(who));

/** The writes every included signed extrinsic makes: fee debit, treasury credit, nonce bump. */
const feeWrites = (who: Uint8Array) => [accountLabel(who), accountLabel(TREASURY_ACCOUNT), nonceLabel(who)];
const feeEvent = (who: Uint8Array) => ['balances.FeePaid', { who: hex(who), fee: FEE.toString() }];
const named = (events: { module: string; name: string; data: unknown }[]) =>
  events.map((e) => [`${e.module}.${e.name}`, e.data]);

describe('balances.transfer', () => {
  it('moves the amount, charges the fee to the treasury and bumps the nonce', () => {
    const chain = createTestChain();
    const issuance = chain.runtime.queries.getTotalIssuance(chain.reader);
    const amount = 5n * ED;
    const report = chain.applySigned('alice', balancesCalls.transfer({ dest: bob, amount }));
    assert.deepEqual(report.result, { included: true, outcome: { ok: true } });
    assert.deepEqual(chain.account('alice'), { free: DEV_ENDOWMENT - amount - FEE, reserved: 0n, nonce: 1 });
    assert.deepEqual(chain.account('bob'), { free: DEV_ENDOWMENT + amount, reserved: 0n, nonce: 0 });
    assert.deepEqual(chain.account(TREASURY_ACCOUNT), { free: FEE, reserved: 0n, nonce: 0 });
    assert.deepEqual(report.written, [...feeWrites(alice), accountLabel(bob)].sort());
    assert.deepEqual(named(report.events), [
      feeEvent(alice),
      ['balances.Transferred', { from: hex(alice), to: hex(bob), amount: amount.toString() }],
      ['system.ExtrinsicSuccess', { index: 0 }],
    ]);
    assert.equal(chain.runtime.queries.getTotalIssuance(chain.reader), issuance);
  });

  it('creates the destination account with an Endowed event when it reaches the existential deposit', () => {
    const chain = createTestChain();
    const newcomer = fresh(1).publicKey;
    const report = chain.applySigned('alice', balancesCalls.transfer({ dest: newcomer, amount: ED }));
    assert.deepEqual(chain.account(newcomer), { free: ED, reserved: 0n, nonce: 0 });
    assert.deepEqual(named(report.events).slice(1, 3), [
      ['balances.Endowed', { who: hex(newcomer), amount: ED.toString() }],
      ['balances.Transferred', { from: hex(alice), to: hex(newcomer), amount: ED.toString() }],
    ]);
  });

  it('fails with InsufficientBalance and writes nothing but the fee and nonce', () => {
    const chain = createTestChain();
    const report = chain.applySigned('alice', balancesCalls.transfer({ dest: bob, amount: DEV_ENDOWMENT }));
    assert.deepEqual(report.result, {
      included: true,
      outcome: { ok: false, error: { module: 'balances', error: 'InsufficientBalance', code: 0 } },
    });
    assert.deepEqual(report.written, feeWrites(alice).sort());
    assert.deepEqual(chain.account('alice'), { free: DEV_ENDOWMENT - FEE, reserved: 0n, nonce: 1 });
    assert.deepEqual(chain.account('bob').free, DEV_ENDOWMENT);
    assert.deepEqual(named(report.events), [
      feeEvent(alice),
      ['system.ExtrinsicFailed', { index: 0, module: 'balances', error: 'InsufficientBalance', code: 0 }],
    ]);
  });

  it('fails with BelowExistentialDeposit when it would create an account below the deposit', () => {
    const chain = createTestChain();
    const newcomer = fresh(2).publicKey;
    const report = chain.applySigned('alice', balancesCalls.transfer({ dest: newcomer, amount: ED - 1n }));
    assert.deepEqual(report.result.included && report.result.outcome, {
      ok: false,
      error: { module: 'balances', error: 'BelowExistentialDeposit', code: 1 },
    });
    assert.deepEqual(report.written, feeWrites(alice).sort());
    assert.deepEqual(chain.account(newcomer), { free: 0n, reserved: 0n, nonce: 0 });
    assert.deepEqual(
      named(report.events).map(([name]) => name),
      ['balances.FeePaid', 'system.ExtrinsicFailed'],
    );
  });

  it('reaps a sender left below the deposit and gives its dust to the treasury', () => {
    const chain = createTestChain();
    const carol = fresh(3);
    chain.applySigned('alice', balancesCalls.transfer({ dest: carol.publicKey, amount: 3n * ED }));
    const treasuryBefore = chain.account(TREASURY_ACCOUNT).free;
    const send = 3n * ED - FEE - 5n; // leaves 5 units of dust after the fee
    const report = chain.applySigned(carol, balancesCalls.transfer({ dest: bob, amount: send }));
    assert.deepEqual(report.result, { included: true, outcome: { ok: true } });
    assert.deepEqual(chain.account(carol.publicKey), { free: 0n, reserved: 0n, nonce: 1 });
    assert.equal(chain.state.has(toHex(Accounts.keyOf(carol.publicKey)).slice(2)), false);
    assert.equal(chain.account(TREASURY_ACCOUNT).free, treasuryBefore + FEE + 5n);
    assert.deepEqual(named(report.events).slice(1), [
      ['balances.Transferred', { from: hex(carol.publicKey), to: hex(bob), amount: send.toString() }],
      ['balances.Reaped', { who: hex(carol.publicKey), dust: '5' }],
      ['system.ExtrinsicSuccess', { index: 0 }],
    ]);
    // The nonce survives reaping, so the account's old extrinsics cannot be replayed after a refund.
    assert.equal(chain.runtime.queries.getAccount(chain.reader, carol.publicKey).nonce, 1);
  });

  it('lets an account transfer to itself without minting anything', () => {
    const chain = createTestChain();
    const report = chain.applySigned('alice', balancesCalls.transfer({ dest: alice, amount: ED }));
    assert.deepEqual(report.result, { included: true, outcome: { ok: true } });
    assert.deepEqual(chain.account('alice').free, DEV_ENDOWMENT - FEE);
    assert.deepEqual(report.written, feeWrites(alice).sort());
  });

  it('accepts transfers of any size to the treasury, which is never reaped', () => {
    const chain = createTestChain();
    chain.applySigned('alice', balancesCalls.transfer({ dest: TREASURY_ACCOUNT, amount: 1n }));
    assert.equal(chain.account(TREASURY_ACCOUNT).free, FEE + 1n);
  });
});

describe('balances.transferKeepAlive', () => {
  it('fails with KeepAlive instead of reaping the sender, writing nothing but the fee and nonce', () => {
    const chain = createTestChain();
    const carol = fresh(4);
    chain.applySigned('alice', balancesCalls.transfer({ dest: carol.publicKey, amount: 3n * ED }));
    const before = chain.account(carol.publicKey);
    const report = chain.applySigned(
      carol,
      balancesCalls.transferKeepAlive({ dest: bob, amount: before.free - FEE - ED + 1n }),
    );
    assert.deepEqual(report.result.included && report.result.outcome, {
      ok: false,
      error: { module: 'balances', error: 'KeepAlive', code: 3 },
    });
    assert.deepEqual(report.written, feeWrites(carol.publicKey).sort());
    assert.deepEqual(chain.account(carol.publicKey), { free: before.free - FEE, reserved: 0n, nonce: 1 });
  });

  it('succeeds when the sender keeps exactly the deposit', () => {
    const chain = createTestChain();
    const carol = fresh(5);
    chain.applySigned('alice', balancesCalls.transfer({ dest: carol.publicKey, amount: 3n * ED }));
    const report = chain.applySigned(
      carol,
      balancesCalls.transferKeepAlive({ dest: bob, amount: 2n * ED - FEE }),
    );
    assert.deepEqual(report.result, { included: true, outcome: { ok: true } });
    assert.equal(chain.account(carol.publicKey).free, ED);
  });
});

describe('reserve, unreserve and slashReserved (the interface for other modules)', () => {
  it('moves funds between free and reserved and slashes reserved funds to the treasury', () => {
    const chain = createTestChain();
    const ctx = chain.context();
    reserve(ctx, alice, 100n);
    assert.deepEqual(Accounts.get(ctx.state, alice), { free: DEV_ENDOWMENT - 100n, reserved: 100n });
    assert.equal(unreserve(ctx, alice, 30n), 30n);
    assert.equal(unreserve(ctx, alice, 1000n), 70n, 'unreserves at most what is reserved');
    reserve(ctx, alice, 50n);
    assert.equal(slashReserved(ctx, alice, 80n), 50n, 'slashes at most what is reserved');
    assert.deepEqual(Accounts.get(ctx.state, alice), { free: DEV_ENDOWMENT - 50n, reserved: 0n });
    assert.deepEqual(Accounts.get(ctx.state, TREASURY_ACCOUNT), { free: 50n, reserved: 0n });
    assert.deepEqual(
      ctx.state.events.map((e) => e.name),
      ['Reserved', 'Unreserved', 'Unreserved', 'Reserved', 'Slashed'],
    );
  });

  it('refuses to reserve more than the free balance, writing nothing', () => {
    const chain = createTestChain();
    const ctx = chain.context();
    assert.throws(
      () => reserve(ctx, alice, DEV_ENDOWMENT + 1n),
      (error: unknown) => error instanceof DispatchError && error.info.error === 'InsufficientBalance',
    );
    assert.deepEqual([...ctx.state.changes()], []);
    assert.deepEqual(ctx.state.events, []);
  });

  it('reaps an account whose slash leaves it below the deposit', () => {
    const chain = createTestChain();
    const carol = fresh(6).publicKey;
    chain.applySigned('alice', balancesCalls.transfer({ dest: carol, amount: ED }));
    const ctx = chain.context();
    reserve(ctx, carol, ED - 1n);
    assert.equal(slashReserved(ctx, carol, ED - 1n), ED - 1n);
    assert.equal(Accounts.get(ctx.state, carol), undefined);
    assert.deepEqual(
      ctx.state.events.map((e) => e.name),
      ['Reserved', 'Slashed', 'Reaped'],
    );
  });
});
