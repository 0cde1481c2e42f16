import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from './cliSupport.js';
import { MAX_LIMIT, parseLimit, parseRpcAccess } from './node.js';

describe('parseRpcAccess', () => {
  it('reads --rpc-allowed-hosts and --rpc-cors as trimmed comma lists, and nothing when absent', () => {
    assert.deepEqual(parseRpcAccess({}), {});
    assert.deepEqual(parseRpcAccess({ rpcAllowedHosts: 'node.example, 10.0.0.5,', rpcCors: '*' }), {
      rpcAllowedHosts: ['node.example', '10.0.0.5'],
      rpcAllowedOrigins: ['*'],
    });
  });

  it('refuses an entry that is not a host or an origin as a usage error naming the flag', () => {
    assert.throws(
      () => parseRpcAccess({ rpcAllowedHosts: 'node.example/x' }),
      (error) => error instanceof UsageError && /^--rpc-allowed-hosts: /.test(error.message),
    );
    assert.throws(
      () => parseRpcAccess({ rpcCors: 'app.example' }),
      (error) => error instanceof UsageError && /^--rpc-cors: /.test(error.message),
    );
  });
});

describe('parseLimit', () => {
  it('reads --max-block-extrinsics and --max-pool-size as whole numbers, and nothing when absent', () => {
    assert.equal(parseLimit(undefined, '--max-pool-size', MAX_LIMIT), undefined);
    assert.equal(parseLimit('16384', '--max-pool-size', MAX_LIMIT), 16384);
    assert.equal(parseLimit('1', '--max-block-extrinsics', MAX_LIMIT), 1);
  });

  it('refuses zero, signs, fractions, words and values above the bound as a usage error naming the flag', () => {
    for (const value of ['0', '-5', '+5', '1.5', '1e4', 'many', '', String(MAX_LIMIT + 1)]) {
      assert.throws(
        () => parseLimit(value, '--max-block-extrinsics', MAX_LIMIT),
        (error) => error instanceof UsageError && /^--max-block-extrinsics: /.test(error.message),
        value,
      );
    }
  });
});
