import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { concatBytes, toHex } from '../codec/bytes.js';
import { type Call, ExtrinsicCodec, extrinsicSigningPayload, signExtrinsic } from '../codec/chain.js';
import { devKeypair } from '../codec/devKeys.js';
import { blake2b256 } from '../codec/hash.js';
import { ed25519FromSeed } from '../codec/keys.js';
import { Struct, u32 } from '../codec/scale.js';
import { Accounts } from './balances/storage.js';
import { balancesCalls } from './balances/types.js';
import { governanceCallDefinitions } from './governance/calls.js';
import { governanceCalls } from './governance/types.js';
import { DEV_EXISTENTIAL_DEPOSIT, DEV_FLAT_FEE, MODULES } from './index.js';
import { governanceCall, unsignedCall } from './support/dispatch.js';
import { defineErrors, ensure } from './support/errors.js';
import { defineEvents } from './support/events.js';
import type { RuntimeModule } from './support/module.js';
import { storageValue } from './support/storage.js';
import { systemCalls } from './system/types.js';
import { createTestChain, labelOf, type TestChain } from './testing.js';

const bob = devKeypair('bob').publicKey;
const transfer = (amount: bigint): Call => balancesCalls.transfer({ dest: bob, amount });

// A module that exists only here, to test what none of the real modules has yet: unsigned calls.
const PingErrors = defineErrors('ping', ['TooHigh'] as const);
const PingEvents = defineEvents<{ Pinged: { value: number } }>('ping', { Pinged: Struct({ value: u32 }) });
const LastPing = storageValue('ping', 'Last', u32);
const pingModule: RuntimeModule = {
  name: 'ping',
  calls: {
    ping: unsignedCall(Struct({ value: u32 }), (ctx, { value }) => {
      LastPing.set(ctx.state, value);
      ensure(value < 100, PingErrors.TooHigh);
      PingEvents.Pinged.emit(ctx, { value });
    }),
    reset: governanceCall(Struct({}), (ctx) => LastPing.delete(ctx.state)),
  },
  events: PingEvents,
  errors: PingErrors,
};
const ping = (value: number): Call => ({ module: 'ping', call: 'ping', args: u32.enc(value) });

/** Applies `extrinsic` in its own block and asserts it was refused with `code`, changing nothing. */
function assertRefused(chain: TestChain, extrinsic: Uint8Array, code: string, message?: RegExp): void {
  const before = chain.snapshot();
  const validated = chain.runtime.validateTransaction(chain.reader, extrinsic, chain.genesisHash);
  assert.equal('code' in validated && validated.code, code, 'pool validation');
  const report = chain.applyExtrinsic(extrinsic);
  assert.equal(report.result.included, false);
  if (report.result.included) return;
  assert.equal(report.result.invalid.code, code);
  if (message) assert.match(report.result.invalid.message, message);
  assert.deepEqual(report.written, [], 'nothing written');
  assert.deepEqual(report.events, [], 'nothing emitted');
  assert.deepEqual(report.execution.outcomes, []);
  // Only the block hooks (number, time, hashes) changed the state; every account is as it was.
  for (const [hex, value] of before) {
    if (hex.startsWith(toHex(Accounts.prefix).slice(2))) assert.deepEqual(chain.state.get(hex), value);
  }
}

describe('extrinsic validity', () => {
  it('refuses bytes that are not an extrinsic as MalformedExtrinsic, and changes nothing', () => {
    const chain = createTestChain();
    const good = chain.sign('alice', transfer(1n));
    assertRefused(chain, Uint8Array.of(1, 2, 3), 'MalformedExtrinsic', /extrinsic does not decode/);
    assertRefused(chain, good.subarray(0, good.length - 1), 'MalformedExtrinsic');
    assertRefused(chain, concatBytes(good, Uint8Array.of(0)), 'MalformedExtrinsic');
    assertRefused(chain, new Uint8Array(0), 'MalformedExtrinsic');
  });

  it('refuses a non-canonical signature option tag', () => {
    const chain = createTestChain();
    const bytes = chain.sign('alice', transfer(1n)).slice();
    bytes[0] = 2;
    assertRefused(chain, bytes, 'MalformedExtrinsic', /option tag/);
  });

  it('refuses arguments that do not decode as MalformedExtrinsic', () => {
    const chain = createTestChain();
    const call: Call = { module: 'balances', call: 'transfer', args: Uint8Array.of(1, 2, 3) };
    assertRefused(
      chain,
      chain.sign('alice', call, 0),
      'MalformedExtrinsic',
      /arguments of balances\.transfer/,
    );
  });

  it('refuses an extrinsic above the size limit as ExtrinsicTooLarge', () => {
    const chain = createTestChain();
    const huge = chain.sign('alice', systemCalls.remark(new Uint8Array(70 * 1024)), 0);
    assertRefused(chain, huge, 'ExtrinsicTooLarge', /limit is 65536/);
  });

  it('refuses an extrinsic signed for another chain as WrongGenesis', () => {
    const chain = createTestChain();
    const alice = devKeypair('alice');
    const other = signExtrinsic({
      genesisHash: new Uint8Array(32).fill(9),
      signerSeed: alice.secretSeed,
      signer: alice.publicKey,
      nonce: 0,
      call: transfer(1n),
    });
    assertRefused(chain, other, 'WrongGenesis');
  });

  it('refuses an unknown module or call as UnknownCall', () => {
    const chain = createTestChain();
    assertRefused(
      chain,
      chain.sign('alice', { module: 'nope', call: 'transfer', args: new Uint8Array() }, 0),
      'UnknownCall',
      /nope\.transfer/,
    );
    assertRefused(
      chain,
      chain.sign('alice', { module: 'balances', call: 'steal', args: new Uint8Array() }, 0),
      'UnknownCall',
    );
  });

  it('refuses a tampered or foreign signature as BadSignature', () => {
    const chain = createTestChain();
    const bytes = chain.sign('alice', transfer(1n), 0).slice();
    bytes[40] = bytes[40]! ^ 1; // inside the signature
    assertRefused(chain, bytes, 'BadSignature');
    // Alice's signature with bob named as signer.
    const decoded = ExtrinsicCodec.dec(chain.sign('alice', transfer(1n), 0));
    const forged = ExtrinsicCodec.enc({ ...decoded, signature: { ...decoded.signature!, signer: bob } });
    assertRefused(chain, forged, 'BadSignature');
    // Changing the amount after signing.
    const original = ExtrinsicCodec.dec(chain.sign('alice', transfer(1n), 0));
    const changed = ExtrinsicCodec.enc({ ...original, call: transfer(2n) });
    assertRefused(chain, changed, 'BadSignature');
  });

  it('refuses a replayed extrinsic as StaleNonce, and holds a future nonce back as FutureNonce', () => {
    const chain = createTestChain();
    const first = chain.sign('alice', transfer(1n), 0);
    assert.deepEqual(chain.applyExtrinsic(first).result, { included: true, outcome: { ok: true } });
    assertRefused(chain, first, 'StaleNonce', /nonce 0 already used/);
    assertRefused(chain, chain.sign('alice', transfer(1n), 0), 'StaleNonce');
    // A future nonce is valid for the pool (it waits there) but cannot be in the next block.
    const future = chain.sign('alice', transfer(1n), 5);
    assert.deepEqual(chain.runtime.validateTransaction(chain.reader, future, chain.genesisHash), {
      signer: devKeypair('alice').publicKey,
      nonce: 5,
      accountNonce: 1,
      fee: DEV_FLAT_FEE,
      feeBudget: chain.account('alice').free - DEV_EXISTENTIAL_DEPOSIT,
    });
    const report = chain.applyExtrinsic(future);
    assert.equal(report.result.included, false);
    assert.equal(!report.result.included && report.result.invalid.code, 'FutureNonce');
    assert.deepEqual(report.written, []);
  });

  it('refuses a signer that cannot pay the fee and keep the existential deposit as CannotPayFee', () => {
    const chain = createTestChain();
    const poor = ed25519FromSeed(blake2b256(Uint8Array.of(1)));
    assertRefused(chain, chain.sign(poor, transfer(0n), 0), 'CannotPayFee');
    // Funded with exactly ED + fee - 1: paying the fee would leave it below the deposit.
    chain.applySigned(
      'alice',
      balancesCalls.transfer({ dest: poor.publicKey, amount: DEV_EXISTENTIAL_DEPOSIT + DEV_FLAT_FEE - 1n }),
    );
    assertRefused(chain, chain.sign(poor, systemCalls.remark(new Uint8Array()), 0), 'CannotPayFee');
  });

  it('refuses a governance call submitted directly, and an unsigned call that needs a signer, as BadOrigin', () => {
    const chain = createTestChain();
    const params = chain.runtime.queries.getParameters(chain.reader);
    assertRefused(
      chain,
      chain.sign('alice', systemCalls.setParameters(params), 0),
      'BadOrigin',
      /governance/,
    );
    assertRefused(chain, chain.unsigned(transfer(1n)), 'BadOrigin', /signed/);
  });

  it('hashes the signing payload straight from the bytes, equal to extrinsicSigningPayload', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(),
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        (seed, nonce, amount) => {
          const keypair = ed25519FromSeed(seed);
          const genesisHash = blake2b256(seed);
          const call = balancesCalls.transfer({ dest: bob, amount });
          const bytes = signExtrinsic({
            genesisHash,
            signerSeed: seed,
            signer: keypair.publicKey,
            nonce: nonce % 2 ** 32,
            call,
          });
          const expected = extrinsicSigningPayload(genesisHash, keypair.publicKey, nonce % 2 ** 32, call);
          const viaBytes = blake2b256(
            concatBytes(
              new TextEncoder().encode('phalanx/extrinsic'),
              bytes.subarray(101, 133),
              bytes.subarray(1, 37),
              bytes.subarray(133),
            ),
          );
          assert.deepEqual(viaBytes, expected);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('unsigned extrinsics', () => {
  const modules = [...MODULES, pingModule];

  it('runs a call declared with the none origin without signature, fee or nonce', () => {
    const chain = createTestChain({ modules });
    const validated = chain.runtime.validateTransaction(
      chain.reader,
      chain.unsigned(ping(7)),
      chain.genesisHash,
    );
    assert.deepEqual(validated, { signer: undefined, nonce: 0, accountNonce: 0, fee: 0n, feeBudget: 0n });
    const report = chain.applyExtrinsic(chain.unsigned(ping(7)));
    assert.deepEqual(report.result, { included: true, outcome: { ok: true } });
    assert.deepEqual(report.written, [labelOf(LastPing.key)]);
    assert.deepEqual(
      report.events.map((e) => [`${e.module}.${e.name}`, e.data]),
      [
        ['ping.Pinged', { value: 7 }],
        ['system.ExtrinsicSuccess', { index: 0 }],
      ],
    );
  });

  it('reverts a failed unsigned call entirely: nothing written, only the failure recorded', () => {
    const chain = createTestChain({ modules });
    const report = chain.applyExtrinsic(chain.unsigned(ping(100)));
    assert.deepEqual(report.result, {
      included: true,
      outcome: { ok: false, error: { module: 'ping', error: 'TooHigh', code: 0 } },
    });
    assert.deepEqual(report.written, []);
    assert.deepEqual(
      report.events.map((e) => [`${e.module}.${e.name}`, e.data]),
      [['system.ExtrinsicFailed', { index: 0, module: 'ping', error: 'TooHigh', code: 0 }]],
    );
  });

  it('refuses a signed extrinsic for a none-origin call as BadOrigin', () => {
    const chain = createTestChain({ modules });
    assertRefused(chain, chain.sign('alice', ping(1), 0), 'BadOrigin');
  });

  it('lets sudo reach a governance call of any module', () => {
    const chain = createTestChain({ modules });
    chain.applyExtrinsic(chain.unsigned(ping(5)));
    const report = chain.applySigned(
      'alice',
      governanceCalls.sudo({ module: 'ping', call: 'reset', args: new Uint8Array() }),
    );
    assert.deepEqual(report.events.find((e) => e.name === 'Sudid')?.data, { ok: true, error: null });
    assert.ok(report.written.includes(labelOf(LastPing.key)));
    assert.equal(Object.keys(governanceCallDefinitions).length, 2);
  });
});

describe('blocks', () => {
  it('numbers events by extrinsic index and keeps going after invalid extrinsics', () => {
    const chain = createTestChain();
    const { results, execution } = chain.executeBlock([
      chain.sign('alice', transfer(DEV_EXISTENTIAL_DEPOSIT)),
      Uint8Array.of(0),
      chain.sign('bob', transfer(10n ** 30n)),
    ]);
    assert.deepEqual(
      results.map((r) => (r.included ? r.outcome.ok : r.invalid.code)),
      [true, 'MalformedExtrinsic', false],
    );
    assert.deepEqual(execution.outcomes.length, 2);
    assert.deepEqual(
      execution.events.filter((e) => e.module === 'system').map((e) => [e.phase, e.name]),
      [
        [0, 'ExtrinsicSuccess'],
        [1, 'ExtrinsicFailed'],
      ],
    );
  });

  it('skips only the signature check for bytes the node says it verified, and gives the same block', () => {
    const chain = createTestChain();
    const good = [chain.sign('alice', transfer(5n), 0), chain.sign('bob', transfer(6n), 0)];
    const asked: Uint8Array[] = [];
    const isSignatureVerified = (bytes: Uint8Array): boolean => {
      asked.push(bytes);
      return good.includes(bytes);
    };
    const build = (options?: { isSignatureVerified(bytes: Uint8Array): boolean }) => {
      const builder = chain.runtime.beginBlock(
        chain.reader,
        chain.nextBlockContext(),
        chain.genesisHash,
        options,
      );
      const results = good.map((bytes) => builder.apply(bytes));
      return { results, execution: builder.finish() };
    };
    const plain = build();
    const trusted = build({ isSignatureVerified });
    assert.deepEqual(trusted, plain, 'same results, writes and events');
    assert.deepEqual(asked, good, 'consulted once per signed extrinsic');
    // Proof that the check really is skipped: a tampered signature the predicate vouches for passes.
    const tampered = chain.sign('alice', transfer(5n), 0).slice();
    tampered[40] = tampered[40]! ^ 1;
    const vouched = chain.runtime.validateTransaction(chain.reader, tampered, chain.genesisHash, {
      isSignatureVerified: () => true,
    });
    assert.equal('code' in vouched, false);
    const unvouched = chain.runtime.validateTransaction(chain.reader, tampered, chain.genesisHash, {
      isSignatureVerified: () => false,
    });
    assert.equal('code' in unvouched && unvouched.code, 'BadSignature');
  });

  it('still checks nonce and fee of an extrinsic whose signature the node verified', () => {
    const chain = createTestChain();
    const first = chain.sign('alice', transfer(1n), 0);
    chain.applyExtrinsic(first);
    const validated = chain.runtime.validateTransaction(chain.reader, first, chain.genesisHash, {
      isSignatureVerified: () => true,
    });
    assert.equal('code' in validated && validated.code, 'StaleNonce');
    const poor = ed25519FromSeed(blake2b256(Uint8Array.of(2)));
    const unpaid = chain.runtime.validateTransaction(
      chain.reader,
      chain.sign(poor, transfer(0n), 0),
      chain.genesisHash,
      { isSignatureVerified: () => true },
    );
    assert.equal('code' in unpaid && unpaid.code, 'CannotPayFee');
  });

  it('refuses to apply after finish, which would lose the writes', () => {
    const chain = createTestChain();
    const builder = chain.runtime.beginBlock(chain.reader, chain.nextBlockContext(), chain.genesisHash);
    builder.finish();
    assert.throws(() => builder.apply(chain.sign('alice', transfer(1n))), /after finish/);
    assert.throws(() => builder.finish(), /twice/);
  });
});
