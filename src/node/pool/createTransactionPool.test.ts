import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hashExtrinsic } from '../../codec/chain.js';
import { RpcError } from '../../codec/errors.js';
import type { InvalidTransaction, ValidTransaction } from '../../runtime/api.js';
import { createTransactionPool, type PoolOptions } from './createTransactionPool.js';

// Pool logic is independent of what extrinsics mean; here an "extrinsic" is [sender, nonce, tag]
// and a model chain holds account nonces and what each sender can pay in fees (the node tests cover
// the real runtime end to end). Every extrinsic's fee is FEE.
const FEE = 10n;

function tx(sender: number, nonce: number, tag = 0): Uint8Array {
  return Uint8Array.of(sender, nonce, tag);
}

function setup(options: Omit<PoolOptions, 'validate'> = {}) {
  const accountNonces = new Map<number, number>();
  const budgets = new Map<number, bigint>();
  const broke = new Set<number>();
  let validations = 0;
  const pool = createTransactionPool({
    ...options,
    validate(extrinsic): ValidTransaction | InvalidTransaction {
      validations++;
      const [sender, nonce] = extrinsic as unknown as [number, number];
      const accountNonce = accountNonces.get(sender) ?? 0;
      const feeBudget = budgets.get(sender) ?? 1000n * FEE;
      if (broke.has(sender) || feeBudget < FEE) return { code: 'CannotPayFee', message: 'no funds' };
      if (nonce < accountNonce) return { code: 'StaleNonce', message: `nonce ${nonce} < ${accountNonce}` };
      return { signer: Uint8Array.of(sender), nonce, accountNonce, fee: FEE, feeBudget };
    },
  });
  return { pool, accountNonces, budgets, broke, validations: () => validations };
}

/** The RpcError that `fn` throws; fails the test if it throws nothing. */
function refusalOf(fn: () => unknown): RpcError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RpcError);
    return error;
  }
  assert.fail('expected a refusal');
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
  it("gives a sender's next nonce after its gap-free run from the account nonce, not after a gap", () => {
    const { pool, accountNonces } = setup();
    const sender = Uint8Array.of(1);
    assert.equal(pool.nextNonce(sender, 0), 0, 'nothing queued: the account nonce');
    pool.submit(tx(1, 0));
    pool.submit(tx(1, 1));
    pool.submit(tx(1, 3)); // future, behind a gap at 2
    assert.equal(pool.nextNonce(sender, 0), 2, 'fills the gap rather than queueing behind it');
    assert.equal(pool.nextNonce(Uint8Array.of(2), 5), 5, 'another sender is not counted');
    // A block included nonce 0, which the pool has not been told yet: the caller's fresher account
    // nonce counts, not the pool's.
    accountNonces.set(1, 1);
    assert.equal(pool.nextNonce(sender, 1), 2);
    pool.submit(tx(1, 2));
    assert.equal(pool.nextNonce(sender, 1), 4);
  });

  it('hands out only gap-free runs from the account nonce, in nonce order per sender', () => {
    const { pool } = setup();
    pool.submit(tx(1, 2));
    pool.submit(tx(1, 0));
    pool.submit(tx(2, 1)); // future: sender 2 is at nonce 0
    assert.deepEqual(pool.ready(10), [tx(1, 0)]);
    assert.equal(pool.futureSize, 2);
    pool.submit(tx(1, 1));
    assert.deepEqual(pool.ready(10), [tx(1, 0), tx(1, 1), tx(1, 2)]);
    pool.submit(tx(2, 0));
    assert.deepEqual(pool.ready(10), [tx(1, 0), tx(1, 1), tx(1, 2), tx(2, 0), tx(2, 1)]);
    assert.deepEqual(pool.ready(2), [tx(1, 0), tx(1, 1)]);
    assert.equal(pool.futureSize, 0);
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

  it('rejects duplicates, a second extrinsic for a queued nonce, too-far nonces and a full pool', () => {
    const { pool } = setup({ maxSize: 3, maxNonceAhead: 5 });
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

  it('re-checks the senders a block touched and a bounded turn of the others, reaching every sender in a few blocks', () => {
    const { pool, accountNonces, broke, validations } = setup({ revalidatePerBlock: 4 });
    for (let sender = 1; sender <= 10; sender++) pool.submit(tx(sender, 0));
    pool.submit(tx(1, 1));
    // The block took sender 1's nonce 0; everyone else can no longer pay (a slash, say).
    pool.remove([hashExtrinsic(tx(1, 0))]);
    accountNonces.set(1, 1);
    for (let sender = 2; sender <= 10; sender++) broke.add(sender);
    let before = validations();
    // Sender 1 (touched) and four others: a full pool costs a bounded number of checks per block.
    assert.equal(pool.revalidate(), 4);
    assert.equal(validations() - before, 5);
    assert.equal(pool.size, 6, 'sender 1 and five of the broke senders wait for their turn');
    // The next turns reach the rest: four, then the last one (with sender 1 again, still valid).
    before = validations();
    assert.equal(pool.revalidate(), 4);
    assert.equal(validations() - before, 4);
    assert.equal(pool.revalidate(), 1);
    assert.deepEqual(pool.ready(10), [tx(1, 1)]);
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

describe('createTransactionPool under a flood of future nonces (security finding 2)', () => {
  it('holds at most maxFuturePerSender future extrinsics of one sender (TooManyFuture)', () => {
    const { pool } = setup({ maxFuturePerSender: 3 });
    for (const nonce of [1, 2, 3]) pool.submit(tx(1, nonce));
    const refused = refusalOf(() => pool.submit(tx(1, 4)));
    assert.equal(refused.code, 'TooManyFuture');
    assert.equal(refused.rpcCode, 1011);
    // Filling the gap makes them ready, and then the sender may queue further.
    pool.submit(tx(1, 0));
    assert.equal(pool.futureSize, 0);
    assert.equal(
      rpcCode(() => pool.submit(tx(1, 5))),
      'accepted',
    );
  });

  it('admits and hands out a ready transfer after many senders filled the future share, for free', () => {
    // The attack at a small scale: fresh senders queue nonces behind a gap at 0.
    const { pool } = setup({ maxSize: 40, maxFuturePerSender: 8 });
    const refusals = new Map<string, number>();
    for (let sender = 1; sender <= 10; sender++) {
      for (let nonce = 1; nonce <= 8; nonce++) {
        const code = rpcCode(() => pool.submit(tx(sender, nonce)));
        refusals.set(code, (refusals.get(code) ?? 0) + 1);
      }
    }
    // The honest sender's ready transfer is admitted, and is what a block takes.
    pool.submit(tx(100, 0));
    assert.deepEqual(pool.ready(100), [tx(100, 0)]);
    // A quarter of the pool at most went to future entries; the rest was refused.
    assert.equal(pool.size, 11);
    assert.equal(pool.futureSize, 10);
    assert.ok((refusals.get('FutureQueueFull') ?? 0) > 0, JSON.stringify([...refusals]));
  });

  it('lets a ready extrinsic evict a future one when the pool is full, never the other way round', () => {
    const { pool } = setup({ maxSize: 8, maxFutureTotal: 4 });
    for (let nonce = 1; nonce <= 4; nonce++) pool.submit(tx(1, nonce));
    for (let sender = 10; sender < 14; sender++) pool.submit(tx(sender, 0));
    assert.equal(pool.size, 8);
    // A future extrinsic finds the pool full of ready ones and futures from a sender with more: it
    // takes the place of that sender's furthest nonce, never of a ready one.
    pool.submit(tx(2, 1));
    assert.equal(pool.size, 8);
    assert.equal(pool.futureSize, 4);
    // Sender 1 cannot take its place back: sender 2 holds fewer.
    assert.equal(
      rpcCode(() => pool.submit(tx(1, 4))),
      'PoolFull',
    );
    assert.equal(pool.futureSize, 4);
    // Ready newcomers evict futures one by one, then the pool is full of ready ones.
    for (let sender = 20; sender < 24; sender++) pool.submit(tx(sender, 0));
    assert.equal(pool.futureSize, 0);
    assert.equal(pool.size, 8);
    assert.equal(
      rpcCode(() => pool.submit(tx(30, 0))),
      'PoolFull',
    );
    assert.equal(
      rpcCode(() => pool.submit(tx(31, 1))),
      'PoolFull',
    );
    assert.equal(pool.ready(100).length, 8);
  });

  it('evicts a future extrinsic for another only from a sender holding more (FutureQueueFull otherwise)', () => {
    const { pool } = setup({ maxSize: 100, maxFutureTotal: 4 });
    for (const sender of [1, 2, 3, 4]) pool.submit(tx(sender, 1));
    // Every holder has one; a newcomer would leave nobody better off.
    assert.equal(
      rpcCode(() => pool.submit(tx(5, 1))),
      'FutureQueueFull',
    );
    assert.equal(pool.futureSize, 4);
  });

  it('drops future extrinsics that did not become ready within futureLifetimeBlocks, and keeps the rest', () => {
    const { pool, accountNonces } = setup({ futureLifetimeBlocks: 3 });
    pool.submit(tx(1, 5)); // never becomes ready
    pool.submit(tx(2, 1)); // becomes ready when the chain moves sender 2 to nonce 1
    pool.submit(tx(3, 0)); // ready, not included (say, blocks are full)
    assert.equal(pool.revalidate(), 0);
    accountNonces.set(2, 1);
    assert.equal(pool.revalidate(), 0);
    assert.equal(pool.futureSize, 1);
    assert.equal(pool.revalidate(), 1, 'the third block since admission drops the future one');
    assert.equal(pool.futureSize, 0);
    assert.deepEqual(pool.ready(10), [tx(2, 1), tx(3, 0)]);
    for (let block = 0; block < 5; block++) pool.revalidate();
    assert.equal(pool.size, 2, 'ready extrinsics do not age out');
  });

  it('refuses an extrinsic that would take the queued fees, ready and future, past what the sender can pay', () => {
    const { pool, budgets } = setup();
    budgets.set(1, 3n * FEE);
    pool.submit(tx(1, 0));
    pool.submit(tx(1, 2));
    pool.submit(tx(1, 5));
    const refused = refusalOf(() => pool.submit(tx(1, 1)));
    assert.equal(refused.code, 'QueuedFeesExceedBalance');
    assert.equal(refused.rpcCode, 1011);
    assert.deepEqual(refused.details, { queuedFees: '40', feeBudget: '30' });
    assert.equal(pool.size, 3);
  });

  it('after a block drops the highest nonces of a sender until its queued fees fit its new balance', () => {
    const { pool, budgets } = setup();
    for (let nonce = 0; nonce < 5; nonce++) pool.submit(tx(1, nonce));
    budgets.set(1, 2n * FEE + 5n);
    assert.equal(pool.revalidate(), 3);
    assert.deepEqual(pool.ready(10), [tx(1, 0), tx(1, 1)]);
  });

  it('forgets a sender whose every entry went stale elsewhere, and counts its next ones right', () => {
    // Nonce 0 was used by an extrinsic sent to another node: the pool learns it at the next submission.
    const { pool, accountNonces } = setup();
    pool.submit(tx(1, 0));
    accountNonces.set(1, 1);
    pool.submit(tx(1, 1));
    assert.equal(pool.size, 1);
    assert.equal(pool.futureSize, 0);
    assert.deepEqual(pool.ready(10), [tx(1, 1)]);
  });

  it('keeps its bounds under any mix of submissions and blocks, and never refuses a ready one while holding a future one', () => {
    const maxSize = 12;
    const maxFutureTotal = 3;
    const maxFuturePerSender = 2;
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('submit' as const),
        sender: fc.integer({ min: 1, max: 8 }),
        nonce: fc.integer({ min: 0, max: 6 }),
      }),
      fc.record({ kind: fc.constant('block' as const), sender: fc.integer({ min: 1, max: 8 }) }),
      // The sender's next nonces were used by extrinsics the pool never saw (sent to another node).
      fc.record({
        kind: fc.constant('elsewhere' as const),
        sender: fc.integer({ min: 1, max: 8 }),
        used: fc.integer({ min: 1, max: 4 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const { pool, accountNonces } = setup({
          maxSize,
          maxFutureTotal,
          maxFuturePerSender,
          futureLifetimeBlocks: 2,
        });
        const unsynced = new Set<number>();
        for (const s of steps) {
          if (s.kind === 'elsewhere') {
            accountNonces.set(s.sender, (accountNonces.get(s.sender) ?? 0) + s.used);
            unsynced.add(s.sender);
          } else if (s.kind === 'block') {
            // The block included the sender's lowest ready extrinsic.
            const ready = pool.ready(maxSize).find((item) => item[0] === s.sender);
            if (ready && ready[1]! >= (accountNonces.get(s.sender) ?? 0)) {
              pool.remove([hashExtrinsic(ready)]);
              accountNonces.set(s.sender, ready[1]! + 1);
            }
            pool.revalidate();
            unsynced.clear();
          } else {
            const accountNonce = accountNonces.get(s.sender) ?? 0;
            const futureBefore = pool.futureSize;
            const sizeBefore = pool.size;
            const readyRun = pool.ready(maxSize).filter((item) => item[0] === s.sender).length;
            const code = rpcCode(() => pool.submit(tx(s.sender, accountNonce + s.nonce)));
            if (code === 'PoolFull') {
              assert.equal(sizeBefore, maxSize);
              if (s.nonce === readyRun && !unsynced.has(s.sender)) {
                assert.equal(futureBefore, 0, 'a ready extrinsic was refused while futures waited');
              }
            }
          }
          assert.ok(pool.size <= maxSize);
          assert.ok(pool.futureSize >= 0 && pool.futureSize <= maxFutureTotal);
          assert.equal(pool.ready(maxSize).length + pool.futureSize, pool.size, 'ready + future = size');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('createTransactionPool holds', () => {
  it('holds exactly the bytes it admitted, and no longer once they are removed or refused', () => {
    const { pool, accountNonces, broke } = setup();
    pool.submit(tx(1, 0));
    pool.submit(tx(2, 0));
    assert.equal(pool.holds(tx(1, 0)), true, 'an equal copy of admitted bytes');
    assert.equal(pool.holds(tx(1, 0, 1)), false, 'same sender and nonce, other bytes');
    assert.equal(pool.holds(tx(3, 0)), false, 'never submitted');
    broke.add(4);
    assert.equal(
      rpcCode(() => pool.submit(tx(4, 0))),
      'CannotPayFee',
    );
    assert.equal(pool.holds(tx(4, 0)), false, 'refused at admission');
    pool.remove([hashExtrinsic(tx(1, 0))]);
    assert.equal(pool.holds(tx(1, 0)), false, 'removed');
    accountNonces.set(2, 1);
    pool.revalidate();
    assert.equal(pool.holds(tx(2, 0)), false, 'dropped as stale');
  });
});
