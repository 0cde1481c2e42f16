import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createFailureBackoff } from './createFailureBackoff.js';

describe('failure backoff', () => {
  it('skips a failed key for a number of blocks that doubles per failure, up to the cap', () => {
    const backoff = createFailureBackoff({ baseBlocks: 2, maxBlocks: 10 });
    assert.equal(backoff.mayTry('w', 100), true);
    assert.equal(backoff.failed('w', 100), 102);
    assert.equal(backoff.mayTry('w', 101), false);
    assert.equal(backoff.mayTry('w', 102), true);
    assert.equal(backoff.failed('w', 102), 106);
    assert.equal(backoff.failed('w', 106), 114);
    assert.equal(backoff.failed('w', 114), 124);
    assert.equal(backoff.failed('w', 124), 134);
    assert.equal(backoff.mayTry('other', 101), true);
  });

  it('tries a key at once again after it succeeded', () => {
    const backoff = createFailureBackoff();
    backoff.failed('w', 1);
    backoff.succeeded('w');
    assert.equal(backoff.mayTry('w', 1), true);
    assert.equal(backoff.size, 0);
  });

  it('never remembers more than maxEntries keys, forgetting the least recently failed first', () => {
    const backoff = createFailureBackoff({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) backoff.failed(key, 1);
    backoff.failed('a', 1);
    backoff.failed('d', 1);
    assert.equal(backoff.size, 3);
    assert.equal(backoff.mayTry('b', 1), true);
    assert.equal(backoff.mayTry('a', 1), false);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 3 }), fc.nat(1000)), { maxLength: 200 }),
        (failures) => {
          const bounded = createFailureBackoff({ maxEntries: 16 });
          for (const [key, head] of failures) bounded.failed(key, head);
          assert.ok(bounded.size <= 16);
        },
      ),
    );
  });
});
