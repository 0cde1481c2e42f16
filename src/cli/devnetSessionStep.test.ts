import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { devnetSessionStep } from './devnetSessionStep.js';

const READY = { state: 'Provisioned' as const, benchmarked: true };
const base = { worker: READY, stake: 0n, session: undefined, minStake: 1000n, target: 2000n };

describe('devnetSessionStep', () => {
  it('bonds up to the target for a Provisioned, benchmarked worker without stake, then starts it', () => {
    assert.deepEqual(devnetSessionStep(base), { kind: 'bond', amount: 2000n });
    assert.deepEqual(devnetSessionStep({ ...base, stake: 500n }), { kind: 'bond', amount: 1500n });
    assert.deepEqual(devnetSessionStep({ ...base, stake: 2000n }), { kind: 'start' });
    // Slashed below the target but still above minStake: started as it is.
    assert.deepEqual(devnetSessionStep({ ...base, stake: 1200n }), { kind: 'start' });
    // A session that cooled down to Ready is started again.
    assert.deepEqual(devnetSessionStep({ ...base, stake: 2000n, session: 'Ready' }), { kind: 'start' });
  });

  it('waits for provisioning and the benchmark before anything', () => {
    assert.equal(
      devnetSessionStep({ ...base, worker: { state: 'Registered', benchmarked: true } }),
      undefined,
    );
    assert.equal(
      devnetSessionStep({ ...base, worker: { state: 'Provisioned', benchmarked: false } }),
      undefined,
    );
    assert.equal(devnetSessionStep({ ...base, worker: { state: 'Expired', benchmarked: true } }), undefined);
  });

  it('leaves a worker in a session or cooling down alone', () => {
    for (const session of ['Idle', 'Serving', 'Unresponsive', 'CoolingDown'] as const) {
      assert.equal(devnetSessionStep({ ...base, stake: 2000n, session }), undefined, session);
    }
  });
});
