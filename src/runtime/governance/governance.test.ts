import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { Accounts } from '../balances/storage.js';
import { balancesCalls, TREASURY_ACCOUNT } from '../balances/types.js';
import { Nonces, Parameters } from '../system/storage.js';
import { systemCalls } from '../system/types.js';
import { createTestChain, labelOf } from '../testing.js';
import { SudoKey } from './storage.js';
import { governanceCalls } from './types.js';

const alice = devKeypair('alice').publicKey;
const bob = devKeypair('bob').publicKey;
const feeWrites = (who: Uint8Array) =>
  [
    labelOf(Accounts.keyOf(who)),
    labelOf(Accounts.keyOf(TREASURY_ACCOUNT)),
    labelOf(Nonces.keyOf(who)),
  ].sort();
const named = (events: { module: string; name: string; data: unknown }[]) =>
  events.map((e) => [`${e.module}.${e.name}`, e.data]);

describe('governance.sudo', () => {
  it('dispatches the inner call with the governance origin', () => {
    const chain = createTestChain();
    const parameters = { ...chain.runtime.queries.getParameters(chain.reader), flatFee: 7n };
    const report = chain.applySigned('alice', governanceCalls.sudo(systemCalls.setParameters(parameters)));
    assert.deepEqual(report.result, { included: true, outcome: { ok: true } });
    assert.deepEqual(chain.runtime.queries.getParameters(chain.reader), parameters);
    assert.deepEqual(report.written, [...feeWrites(alice), labelOf(Parameters.key)].sort());
    assert.deepEqual(named(report.events).slice(1), [
      [
        'system.ParametersChanged',
        {
          parameters: {
            flatFee: '7',
            existentialDeposit: parameters.existentialDeposit.toString(),
            maxExtrinsicSize: 65536,
          },
        },
      ],
      ['governance.Sudid', { ok: true, error: null }],
      ['system.ExtrinsicSuccess', { index: 0 }],
    ]);
    // The new fee applies from the next extrinsic on.
    const next = chain.applySigned('bob', systemCalls.remark(new Uint8Array()));
    assert.deepEqual(next.events[0]?.data, { who: toHex(bob), fee: '7' });
  });

  it('refuses anyone but the sudo key with RequireSudo, writing nothing but the fee and nonce', () => {
    const chain = createTestChain();
    const before = chain.runtime.queries.getParameters(chain.reader);
    const report = chain.applySigned(
      'bob',
      governanceCalls.sudo(systemCalls.setParameters({ ...before, flatFee: 0n })),
    );
    assert.deepEqual(report.result.included && report.result.outcome, {
      ok: false,
      error: { module: 'governance', error: 'RequireSudo', code: 0 },
    });
    assert.deepEqual(report.written, feeWrites(bob));
    assert.deepEqual(chain.runtime.queries.getParameters(chain.reader), before);
    assert.deepEqual(
      named(report.events).map(([name]) => name),
      ['balances.FeePaid', 'system.ExtrinsicFailed'],
    );
  });

  it('records a failing inner call in Sudid and reverts its writes and events', () => {
    const chain = createTestChain();
    const before = chain.runtime.queries.getParameters(chain.reader);
    const report = chain.applySigned(
      'alice',
      governanceCalls.sudo(systemCalls.setParameters({ ...before, maxExtrinsicSize: 10 })),
    );
    assert.deepEqual(report.result, { included: true, outcome: { ok: true } });
    assert.deepEqual(chain.runtime.queries.getParameters(chain.reader), before);
    assert.deepEqual(report.written, feeWrites(alice));
    assert.deepEqual(named(report.events).slice(1), [
      ['governance.Sudid', { ok: false, error: { module: 'system', error: 'InvalidParameters', code: 3 } }],
      ['system.ExtrinsicSuccess', { index: 0 }],
    ]);
  });

  it('records BadOrigin for an inner call that needs a signer, UnknownCall and MalformedCall likewise', () => {
    const chain = createTestChain();
    const cases = [
      [balancesCalls.transfer({ dest: bob, amount: 1n }), 'BadOrigin', 1],
      [{ module: 'system', call: 'nope', args: new Uint8Array() }, 'UnknownCall', 0],
      [{ module: 'system', call: 'setParameters', args: Uint8Array.of(1) }, 'MalformedCall', 2],
      [governanceCalls.sudo(systemCalls.remark(new Uint8Array())), 'BadOrigin', 1],
    ] as const;
    for (const [inner, error, code] of cases) {
      const report = chain.applySigned('alice', governanceCalls.sudo(inner));
      assert.deepEqual(report.written, feeWrites(alice), error);
      assert.deepEqual(report.events.find((e) => e.name === 'Sudid')?.data, {
        ok: false,
        error: { module: 'system', error, code },
      });
    }
  });
});

describe('governance.setSudoKey', () => {
  it('hands the sudo key over, after which only the new key may sudo', () => {
    const chain = createTestChain();
    const report = chain.applySigned('alice', governanceCalls.setSudoKey(bob));
    assert.deepEqual(report.result, { included: true, outcome: { ok: true } });
    assert.deepEqual(chain.runtime.queries.getSudoKey(chain.reader), bob);
    assert.deepEqual(report.written, [...feeWrites(alice), labelOf(SudoKey.key)].sort());
    assert.deepEqual(named(report.events)[1], [
      'governance.SudoKeyChanged',
      { old: toHex(alice), new: toHex(bob) },
    ]);
    const refused = chain.applySigned('alice', governanceCalls.setSudoKey(alice));
    assert.equal(
      refused.result.included && !refused.result.outcome.ok && refused.result.outcome.error.error,
      'RequireSudo',
    );
    assert.deepEqual(refused.written, feeWrites(alice));
  });
});
