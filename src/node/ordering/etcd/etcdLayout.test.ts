import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEtcdLayout, prefixEnd } from './etcdLayout.js';

describe('etcdLayout', () => {
  const layout = createEtcdLayout(new Uint8Array(32).fill(7), 'test/');
  const inRanges = (key: string, ranges: { start: string; end: string }[]): boolean =>
    ranges.some(({ start, end }) => key >= start && key < end);

  it("covers every other node's pending keys and none of the node's own, whatever the names", () => {
    const hash = new Uint8Array(32).fill(1);
    // Names that sort right next to "alice" in etcd's byte order, on both sides.
    const names = ['alice', 'alic', 'alice-2', 'alice.b', 'alice_', 'alicf', 'a', 'bob', 'ALICE', '0'];
    const others = layout.pendingOfOthers('alice');
    for (const name of names) {
      const key = layout.pendingKey(name, hash);
      assert.equal(inRanges(key, others), name !== 'alice', name);
      assert.ok(inRanges(key, [{ start: layout.pending, end: prefixEnd(layout.pending) }]), name);
    }
    assert.ok(!inRanges(layout.nodeKey('bob'), others), 'nothing outside pending/');
    assert.ok(!inRanges(layout.head, others));
  });

  it('ends a prefix range right after the last key that starts with it', () => {
    assert.equal(prefixEnd('a/b/'), 'a/b0');
    assert.ok('a/b/zzz' < prefixEnd('a/b/') && 'a/b0' >= prefixEnd('a/b/'));
  });
});
