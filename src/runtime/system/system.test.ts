import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { blake2b256 } from '../../codec/hash.js';
import { Accounts } from '../balances/storage.js';
import { TREASURY_ACCOUNT } from '../balances/types.js';
import { createDevGenesisConfig } from '../genesis/createDevGenesisConfig.js';
import { governanceCalls } from '../governance/types.js';
import { GenesisError } from '../support/genesis.js';
import { Overlay } from '../support/overlay.js';
import { createTestChain, labelOf } from '../testing.js';
import { Authorities, BlockHashes, Nonces } from './storage.js';
import { BLOCK_HASH_COUNT, MAX_AUTHORITIES, systemCalls } from './types.js';

const alice = devKeypair('alice').publicKey;
const bob = devKeypair('bob').publicKey;
const charlie = devKeypair('charlie').publicKey;
/** What any included extrinsic of `who` writes: its fee (its account and the treasury's) and nonce. */
const feeWrites = (who: Uint8Array) =>
  [
    labelOf(Accounts.keyOf(who)),
    labelOf(Accounts.keyOf(TREASURY_ACCOUNT)),
    labelOf(Nonces.keyOf(who)),
  ].sort();
/** `count` distinct 32-byte keys. */
const keys = (count: number) =>
  Array.from({ length: count }, (_, i) => Uint8Array.from({ length: 32 }, (_, j) => (i * 7 + j) & 0xff));

describe('system hooks', () => {
  it('record the number, time, parent hash and author of each block', () => {
    const chain = createTestChain();
    const context = chain.nextBlockContext();
    chain.executeBlock([]);
    const { queries } = chain.runtime;
    assert.equal(queries.getBlockNumber(chain.reader), 1);
    assert.equal(queries.getTimestamp(chain.reader), context.timestamp);
    assert.deepEqual(queries.getBlockHash(chain.reader, 0), chain.genesisHash);
    const second = chain.nextBlockContext();
    chain.executeBlock([]);
    assert.deepEqual(queries.getBlockHash(chain.reader, 1), second.parentHash);
    assert.deepEqual(queries.getAuthorities(chain.reader), [alice]);
    assert.equal(queries.getChainName(chain.reader), 'test');
    assert.equal(queries.getBlockNumber(chain.reader), 2);
  });

  it(`keep only the last ${BLOCK_HASH_COUNT} block hashes, deleting one per block`, () => {
    const chain = createTestChain();
    const number = BLOCK_HASH_COUNT + 10;
    const state = new Overlay(chain.reader);
    BlockHashes.set(state, number - 1 - BLOCK_HASH_COUNT, new Uint8Array(32));
    const old = state.changes();
    for (const [hex, { value }] of old) chain.state.set(hex, value!);
    const context = { number, timestamp: 1n, parentHash: new Uint8Array(32).fill(5), author: alice };
    const { changes } = chain.runtime.beginBlock(chain.reader, context, chain.genesisHash).finish();
    const expired = toHex(BlockHashes.keyOf(number - 1 - BLOCK_HASH_COUNT)).slice(2);
    assert.equal(changes.get(expired)?.value, null);
    assert.deepEqual(changes.get(toHex(BlockHashes.keyOf(number - 1)).slice(2))?.value, context.parentHash);
  });
});

describe('system.remark', () => {
  it('records the hash of the remark and costs only the fee', () => {
    const chain = createTestChain();
    const remark = new TextEncoder().encode('hello');
    const report = chain.applySigned('alice', systemCalls.remark(remark));
    assert.deepEqual(report.events[1], {
      module: 'system',
      name: 'Remarked',
      phase: 0,
      data: { who: toHex(alice), hash: toHex(blake2b256(remark)) },
    });
  });
});

describe('system.setParameters', () => {
  it('shrinks the extrinsic size limit, after which larger extrinsics are refused', () => {
    const chain = createTestChain();
    const parameters = chain.runtime.queries.getParameters(chain.reader);
    chain.applySigned(
      'alice',
      governanceCalls.sudo(systemCalls.setParameters({ ...parameters, maxExtrinsicSize: 1024 })),
    );
    const big = chain.sign('alice', systemCalls.remark(new Uint8Array(1000)));
    const result = chain.runtime.validateTransaction(chain.reader, big, chain.genesisHash);
    assert.equal('code' in result && result.code, 'ExtrinsicTooLarge');
  });

  it('refuses a zero existential deposit with InvalidParameters', () => {
    const chain = createTestChain();
    const parameters = chain.runtime.queries.getParameters(chain.reader);
    const report = chain.applySigned(
      'alice',
      governanceCalls.sudo(systemCalls.setParameters({ ...parameters, existentialDeposit: 0n })),
    );
    assert.deepEqual(report.events.find((e) => e.name === 'Sudid')?.data, {
      ok: false,
      error: { module: 'system', error: 'InvalidParameters', code: 3 },
    });
    assert.deepEqual(chain.runtime.queries.getParameters(chain.reader), parameters);
  });
});

describe('system.setAuthorities', () => {
  it('replaces the authorities under the governance origin, writing only them and emitting AuthoritiesChanged', () => {
    const chain = createTestChain();
    const report = chain.applySigned(
      'alice',
      governanceCalls.sudo(systemCalls.setAuthorities([bob, charlie])),
    );
    assert.deepEqual(report.result, { included: true, outcome: { ok: true } });
    assert.deepEqual(chain.runtime.queries.getAuthorities(chain.reader), [bob, charlie]);
    assert.deepEqual(report.written, [...feeWrites(alice), labelOf(Authorities.key)].sort());
    assert.deepEqual(
      report.events.slice(1).map((e) => [`${e.module}.${e.name}`, e.data]),
      [
        ['system.AuthoritiesChanged', { authorities: [toHex(bob), toHex(charlie)] }],
        ['governance.Sudid', { ok: true, error: null }],
        ['system.ExtrinsicSuccess', { index: 0 }],
      ],
    );
  });

  it('refuses an account that is not the sudo key with RequireSudo, and a direct call as BadOrigin, changing no authority', () => {
    const chain = createTestChain();
    const notSudo = chain.applySigned('bob', governanceCalls.sudo(systemCalls.setAuthorities([bob])));
    assert.deepEqual(notSudo.result.included && notSudo.result.outcome, {
      ok: false,
      error: { module: 'governance', error: 'RequireSudo', code: 0 },
    });
    assert.deepEqual(notSudo.written, feeWrites(bob));
    assert.deepEqual(
      notSudo.events.map((e) => `${e.module}.${e.name}`),
      ['balances.FeePaid', 'system.ExtrinsicFailed'],
    );
    // Signed but without sudo: the governance origin is never a signer's, so it is not even included.
    const direct = chain.applySigned('alice', systemCalls.setAuthorities([bob]));
    assert.deepEqual(direct.result.included === false && direct.result.invalid.code, 'BadOrigin');
    assert.deepEqual(direct.written, []);
    assert.deepEqual(chain.runtime.queries.getAuthorities(chain.reader), [alice]);
  });

  const invalid: [string, Uint8Array[]][] = [
    ['no key', []],
    [`${MAX_AUTHORITIES + 1} keys`, keys(MAX_AUTHORITIES + 1)],
    ['a key twice', [bob, charlie, bob]],
  ];
  for (const [what, authorities] of invalid) {
    it(`refuses ${what} with InvalidAuthorities, records it in Sudid and keeps the old set`, () => {
      const chain = createTestChain();
      const before = chain.snapshot();
      const report = chain.applySigned(
        'alice',
        governanceCalls.sudo(systemCalls.setAuthorities(authorities)),
      );
      assert.deepEqual(report.result, { included: true, outcome: { ok: true } });
      assert.deepEqual(report.written, feeWrites(alice));
      assert.deepEqual(
        report.events.slice(1).map((e) => [`${e.module}.${e.name}`, e.data]),
        [
          [
            'governance.Sudid',
            { ok: false, error: { module: 'system', error: 'InvalidAuthorities', code: 4 } },
          ],
          ['system.ExtrinsicSuccess', { index: 0 }],
        ],
      );
      assert.deepEqual(chain.runtime.queries.getAuthorities(chain.reader), [alice]);
      assert.deepEqual(
        chain.state.get(toHex(Authorities.key).slice(2)),
        before.get(toHex(Authorities.key).slice(2)),
      );
    });
  }

  it(`accepts exactly ${MAX_AUTHORITIES} distinct keys, the most genesis accepts too`, () => {
    const chain = createTestChain();
    chain.applySigned('alice', governanceCalls.sudo(systemCalls.setAuthorities(keys(MAX_AUTHORITIES))));
    assert.equal(chain.runtime.queries.getAuthorities(chain.reader).length, MAX_AUTHORITIES);
    const config = createDevGenesisConfig();
    config.system.authorities = keys(MAX_AUTHORITIES).map((key) => toHex(key));
    assert.doesNotThrow(() => createTestChain({ genesisConfig: config }));
  });

  it('shares its rules with genesis, which refuses the same sets and names the entry', () => {
    for (const [what, authorities, field] of [
      ['no key', [], /system\.authorities: at least one/],
      ['too many', keys(MAX_AUTHORITIES + 1), /system\.authorities: at most 100/],
      ['a duplicate', [bob, charlie, bob], /system\.authorities\[2\]: duplicate authority/],
    ] as const) {
      const config = createDevGenesisConfig();
      config.system.authorities = authorities.map((key) => toHex(key));
      assert.throws(
        () => createTestChain({ genesisConfig: config }),
        (error: unknown) => error instanceof GenesisError && field.test(error.message),
        what,
      );
    }
  });
});
