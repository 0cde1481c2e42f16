import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickEviction, type TrackedConnection } from './limitHttpConnections.js';

function socket(name: string, writableLength = 0) {
  return { name, writableLength };
}

describe('pickEviction', () => {
  it('evicts the least recently active connection that has no request in progress', () => {
    const [a, b, c] = [socket('a'), socket('b'), socket('c')];
    const sockets = new Map<ReturnType<typeof socket>, TrackedConnection>([
      [a, { inFlight: 1 }],
      [b, { inFlight: 0 }],
      [c, { inFlight: 0 }],
    ]);
    assert.equal(pickEviction(sockets), b);
  });

  it('else evicts one whose reply sits unread, and never one that is computing an answer', () => {
    const [working, stalled] = [socket('working'), socket('stalled', 4096)];
    const busy = new Map<ReturnType<typeof socket>, TrackedConnection>([
      [working, { inFlight: 1 }],
      [stalled, { inFlight: 1 }],
    ]);
    assert.equal(pickEviction(busy), stalled);
    assert.equal(pickEviction(new Map([[working, { inFlight: 2 }]])), undefined);
  });
});
