import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromUtf8, toHex } from '../../codec/bytes.js';
import { Struct, str, u32, u64 } from '../../codec/scale.js';
import { createMapReader, EMPTY_STATE, Overlay } from './overlay.js';
import { storageKey, storageMap, storagePrefix, storageValue } from './storage.js';

describe('storage keys', () => {
  it('are utf8(module) / utf8(Item) / followed by the SCALE map key', () => {
    assert.equal(fromUtf8(storagePrefix('balances', 'Accounts')), 'balances/Accounts/');
    const map = storageMap('system', 'BlockHashes', u32, str);
    assert.equal(toHex(map.keyOf(258)), `${toHex(storagePrefix('system', 'BlockHashes'))}02010000`);
    assert.equal(toHex(storageValue('system', 'Number', u32).key), toHex(storageKey('system', 'Number')));
  });

  it('decodes the map key back from a full key, and refuses a key of another item', () => {
    const map = storageMap('m', 'Items', u64, str);
    assert.equal(map.decodeKey(map.keyOf(77n)), 77n);
    assert.throws(() => map.decodeKey(storageMap('m', 'Other', u64, str).keyOf(77n)), RangeError);
  });
});

describe('storage items', () => {
  const Point = Struct({ x: u32, y: u32 });

  it('get, set, has, mutate and delete a value', () => {
    const state = new Overlay(EMPTY_STATE);
    const item = storageValue('m', 'Point', Point);
    assert.equal(item.get(state), undefined);
    assert.equal(item.has(state), false);
    item.set(state, { x: 1, y: 2 });
    assert.deepEqual(item.get(state), { x: 1, y: 2 });
    assert.deepEqual(
      item.mutate(state, (p) => ({ x: (p?.x ?? 0) + 1, y: 0 })),
      { x: 2, y: 0 },
    );
    assert.deepEqual(item.get(state), { x: 2, y: 0 });
    item.mutate(state, () => undefined);
    assert.equal(item.has(state), false);
  });

  it('keeps map entries apart by key', () => {
    const state = new Overlay(createMapReader(new Map()));
    const map = storageMap('m', 'Points', u32, Point);
    map.set(state, 1, { x: 1, y: 1 });
    map.set(state, 2, { x: 2, y: 2 });
    map.delete(state, 1);
    assert.equal(map.get(state, 1), undefined);
    assert.deepEqual(map.get(state, 2), { x: 2, y: 2 });
    assert.equal(map.has(state, 2), true);
  });
});
