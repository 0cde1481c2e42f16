import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutcomeJson } from '../../codec/rpcWire.js';
import { createSubmissionTracker, MAX_RETRY_WAIT_BLOCKS } from './createSubmissionTracker.js';
import type { VerifiedBlock } from './followChain.js';

const HASH = new Uint8Array(32).fill(7);
const OTHER = new Uint8Array(32).fill(8);

/** A verified block carrying receipts for `hashes` (only number and receipts matter here). */
function block(
  number: number,
  receipts: { hash: Uint8Array; outcome: OutcomeJson | null }[] = [],
): VerifiedBlock {
  return { header: { number }, receipts } as unknown as VerifiedBlock;
}

const refused: OutcomeJson = { ok: false, error: { module: 'registry', error: 'StaleBenchmark', code: 25 } };

describe('submission tracker', () => {
  it('lets one submission wait at a time and reports its inclusion', () => {
    const tracker = createSubmissionTracker({ timeoutBlocks: 5 });
    assert.equal(tracker.mayAct(1), true);
    tracker.submitted(HASH, 1);
    assert.equal(tracker.mayAct(1), false);
    assert.equal(tracker.onBlock(block(2, [{ hash: OTHER, outcome: { ok: true } }])), undefined);
    assert.deepEqual(tracker.onBlock(block(3, [{ hash: HASH, outcome: { ok: true } }])), {
      kind: 'included',
      block: 3,
    });
    assert.equal(tracker.mayAct(3), true);
  });

  it('backs off 2, 4, ... blocks after refusals in a row, at most 64, and forgets them on success', () => {
    const tracker = createSubmissionTracker({ timeoutBlocks: 5 });
    let number = 10;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      tracker.submitted(HASH, number);
      const outcome = tracker.onBlock(block(number + 1, [{ hash: HASH, outcome: refused }]));
      assert.equal(outcome?.kind, 'failed');
      assert.ok(outcome?.kind === 'failed' && outcome.reason === 'registry.StaleBenchmark');
      const retryAt = outcome.kind === 'failed' ? outcome.retryAtBlock : 0;
      waits.push(retryAt - (number + 1));
      assert.equal(tracker.mayAct(retryAt - 1), false);
      assert.equal(tracker.mayAct(retryAt), true);
      number = retryAt;
    }
    assert.deepEqual(waits, [2, 4, 8, 16, 32, 64, 64, 64]);
    assert.equal(MAX_RETRY_WAIT_BLOCKS, 64);
    tracker.submitted(HASH, number);
    tracker.onBlock(block(number + 1, [{ hash: HASH, outcome: { ok: true } }]));
    tracker.submitted(HASH, number + 1);
    const after = tracker.onBlock(block(number + 2, [{ hash: HASH, outcome: refused }]));
    assert.ok(after?.kind === 'failed' && after.retryAtBlock === number + 4);
  });

  it('gives a submission up once it is not included within the timeout', () => {
    const tracker = createSubmissionTracker({ timeoutBlocks: 3 });
    tracker.submitted(HASH, 20);
    for (const number of [21, 22, 23]) assert.equal(tracker.onBlock(block(number)), undefined);
    const outcome = tracker.onBlock(block(24));
    assert.ok(outcome?.kind === 'failed' && outcome.reason === 'not included in time');
    assert.equal(tracker.onBlock(block(25)), undefined, 'nothing waits any more');
  });
});
