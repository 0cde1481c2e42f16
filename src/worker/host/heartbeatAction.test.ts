import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type HeartbeatMemory, heartbeatAction } from './heartbeatAction.js';

const OPEN = { session: 2, block: 100, deadline: 110 };
const FRESH: HeartbeatMemory = { retryAt: 0 };

describe('heartbeatAction', () => {
  it('submits for an open challenge it has not answered, up to and including the deadline block', () => {
    assert.equal(heartbeatAction(OPEN, FRESH, 100, 3), 'submit');
    assert.equal(heartbeatAction(OPEN, FRESH, 110, 3), 'submit');
    assert.equal(heartbeatAction(OPEN, FRESH, 111, 3), 'none');
  });

  it('does nothing without an open challenge', () => {
    assert.equal(heartbeatAction(undefined, FRESH, 100, 3), 'none');
  });

  it('never submits again for a challenge a block included its heartbeat for', () => {
    const memory: HeartbeatMemory = { answered: { session: 2, block: 100 }, retryAt: 0 };
    assert.equal(heartbeatAction(OPEN, memory, 105, 3), 'none');
    // The same block number in a later session is another challenge.
    assert.equal(heartbeatAction({ ...OPEN, session: 3 }, memory, 105, 3), 'submit');
  });

  it('waits for the heartbeat in flight, and re-submits it when no block included it in time', () => {
    const memory: HeartbeatMemory = { inflight: { session: 2, block: 100, submittedAt: 101 }, retryAt: 0 };
    assert.equal(heartbeatAction(OPEN, memory, 102, 3), 'wait');
    assert.equal(heartbeatAction(OPEN, memory, 103, 3), 'wait');
    assert.equal(heartbeatAction(OPEN, memory, 104, 3), 'resubmit');
    // But not once the deadline passed: it would be late.
    assert.equal(heartbeatAction(OPEN, memory, 111, 3), 'none');
    // A newer challenge is not held up by a stale one in flight.
    assert.equal(heartbeatAction({ session: 2, block: 130, deadline: 140 }, memory, 131, 3), 'submit');
  });

  it('holds off after a refusal until its retry block', () => {
    const memory: HeartbeatMemory = { retryAt: 104 };
    assert.equal(heartbeatAction(OPEN, memory, 103, 3), 'wait');
    assert.equal(heartbeatAction(OPEN, memory, 104, 3), 'submit');
  });
});
