import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RpcError } from '../codec/errors.js';
import {
  BLOCK_RESPONSE_LIMITS,
  DEFAULT_MAX_RESPONSE_BYTES,
  largestResponseBytes,
  maxResponseBytes,
} from './maxResponseBytes.js';

describe('maxResponseBytes', () => {
  it('gives block answers their own room and every other method the default', () => {
    assert.equal(maxResponseBytes('chain_getBlock'), BLOCK_RESPONSE_LIMITS.chain_getBlock);
    assert.equal(maxResponseBytes('system_health'), DEFAULT_MAX_RESPONSE_BYTES);
    assert.equal(largestResponseBytes(), BLOCK_RESPONSE_LIMITS.chain_getBlock);
  });

  it('lets the caller replace both the default and the per-method caps', () => {
    const options = { maxResponseBytes: 10, maxResponseBytesByMethod: { chain_getBlock: 20 } };
    assert.equal(maxResponseBytes('system_health', options), 10);
    assert.equal(maxResponseBytes('chain_getBlock', options), 20);
    assert.equal(maxResponseBytes('chain_getEvents', options), 10);
    assert.equal(largestResponseBytes(options), 20);
    // Names inherited from Object.prototype are not methods with caps.
    assert.equal(maxResponseBytes('toString', options), 10);
  });

  it('refuses a cap that is not a positive integer with InvalidOption', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => maxResponseBytes('system_health', { maxResponseBytes: bad }),
        (error: unknown) => error instanceof RpcError && error.code === 'InvalidOption',
      );
      assert.throws(() => largestResponseBytes({ maxResponseBytesByMethod: { chain_getBlock: bad } }), {
        code: 'InvalidOption',
      });
    }
  });
});
