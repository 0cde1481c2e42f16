import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { blake2b256 } from '../../codec/hash.js';
import { governanceCalls } from '../governance/types.js';
import { Overlay } from '../support/overlay.js';
import { createTestChain } from '../testing.js';
import { BlockHashes } from './storage.js';
import { BLOCK_HASH_COUNT, systemCalls } from './types.js';

const alice = devKeypair('alice').publicKey;

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
