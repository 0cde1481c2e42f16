import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hashExtrinsic } from '../../codec/chain.js';
import { RpcError } from '../../codec/errors.js';
import type { InvalidTransaction, ValidTransaction } from '../../runtime/api.js';
import { createTransactionPool } from './createTransactionPool.js';

// Pool logic is independent of what extrinsics mean; here an "extrinsic" is [sender, nonce, tag]
// and a model chain holds account nonces (the node tests cover the real runtime end to end).
function tx(sender: number, nonce: number, tag = 0): Uint8Array {
  return Uint8Array.of(sender, nonce, tag);
}

function setup(options: { maxSize?: number; maxFuturePerSender?: number } = {}) {
  const accountNonces = new Map<number, number>();
  const broke = new Set<number>();
  let validations = 0;
  const pool = createTransactionPool({
    ...options,
    validate(extrinsic): ValidTransaction | InvalidTransaction {
      validations++;
      const [sender, nonce] = extrinsic as unknown as [number, number];
      const accountNonce = accountNonces.get(sender) ?? 0;
      if (broke.has(sender)) return { code: 'CannotPayFee', message: 'no funds' };
      if (nonce < accountNonce) return { code: 'StaleNonce', message: `nonce ${nonce} < ${accountNonce}` };
      return { signer: Uint8Array.of(sender), nonce, accountNonce };
    },
  });
  return { pool, accountNonces, broke, validations: () => validations };
}

const rpcCode = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RpcError);
    return error.code;
  }
  return 'accepted';
};

describe('createTransactionPool', () => {
  it('hands out only gap-free runs from the account nonce, in nonce order per sender', () => {
    const { pool } = setup();
    pool.submit(tx(1, 2));
    pool.submit(tx(1, 0));
    pool.submit(tx(2, 1)); // future: sender 2 is at nonce 0
    assert.deepEqual(pool.ready(10), [tx(1, 0)]);
    pool.submit(tx(1, 1));
    assert.deepEqual(pool.ready(10), [tx(1, 0), tx(1, 1), tx(1, 2)]);
    pool.submit(tx(2, 0));
    assert.deepEqual(pool.ready(10), [tx(1, 0), tx(1, 1), tx(1, 2), tx(2, 0), tx(2, 1)]);
    assert.deepEqual(pool.ready(2), [tx(1, 0), tx(1, 1)]);
  });

  it('never orders a later nonce of a sender before an earlier one, whatever the arrival order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 6 })), { maxLength: 40 }),
        (items) => {
          const { pool } = setup();
          for (const [sender, nonce] of items) rpcCode(() => pool.submit(tx(sender, nonce)));
          const order = pool.ready(100);
          const seen = new Map<number, number>();
          for (const item of order) {
            const expected = seen.get(item[0]!) ?? 0;
            assert.equal(item[1], expected);
            seen.set(item[0]!, expected + 1);
          }
        },
      ),
    );
  });

  it('rejects duplicates, a second extrinsic for a queued nonce, too-far futures and a full pool', () => {
    const { pool } = setup({ maxSize: 3, maxFuturePerSender: 5 });
    pool.submit(tx(1, 0));
    assert.equal(
      rpcCode(() => pool.submit(tx(1, 0))),
      'AlreadyInPool',
    );
    assert.equal(
      rpcCode(() => pool.submit(tx(1, 0, 9))),
      'NonceInPool',
    );
    assert.equal(
      rpcCode(() => pool.submit(tx(1, 5))),
      'FutureNonce',
    );
    pool.submit(tx(1, 1));
    pool.submit(tx(2, 0));
    assert.equal(
      rpcCode(() => pool.submit(tx(3, 0))),
      'PoolFull',
    );
    assert.equal(pool.size, 3);
  });

  it('rejects what the runtime finds invalid with rpc code 1010 and its reason', () => {
    const { pool, accountNonces } = setup();
    accountNonces.set(1, 3);
    try {
      pool.submit(tx(1, 2));
      assert.fail('accepted a stale nonce');
    } catch (error) {
      assert.ok(error instanceof RpcError);
      assert.equal(error.rpcCode, 1010);
      assert.equal(error.code, 'StaleNonce');
      assert.match(error.message, /nonce 2 < 3/);
    }
    assert.equal(pool.size, 0);
  });

  it('after a block drops stale nonces and senders that can no longer pay, with one check per sender', () => {
    const { pool, accountNonces, broke, validations } = setup();
    for (let n = 0; n < 5; n++) pool.submit(tx(1, n));
    pool.submit(tx(2, 0));
    pool.submit(tx(2, 1));
    // The block included sender 1's nonces 0 and 1 (removed by hash) and, unknown to the pool, 2.
    pool.remove([0, 1].map((n) => hashExtrinsic(tx(1, n))));
    accountNonces.set(1, 3);
    broke.add(2);
    const before = validations();
    assert.equal(pool.revalidate(), 3);
    // Sender 1: nonce 2 (stale) then 3 (valid); sender 2: its first, then its queue goes.
    assert.equal(validations() - before, 3);
    assert.deepEqual(pool.ready(10), [tx(1, 3), tx(1, 4)]);
    assert.equal(pool.size, 2);
  });
});
