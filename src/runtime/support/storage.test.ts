import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromUtf8, toHex } from '../../codec/bytes.js';
import { CodecError } from '../../codec/errors.js';
import { Struct, str, u32, u64 } from '../../codec/scale.js';
import { createMapReader, EMPTY_STATE, keyToHex, Overlay } from './overlay.js';
import { constantKeyHex, storageKey, storageMap, storagePrefix, storageValue } from './storage.js';

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

describe('storage declarations, as a reader outside the runtime uses them', () => {
  const Point = Struct({ x: u32, y: u32 });

  it('decode exactly the bytes the runtime wrote, found under the key the declaration gives', () => {
    const state = new Overlay(EMPTY_STATE);
    const map = storageMap('m', 'Points', u32, Point);
    const value = storageValue('m', 'Origin', Point);
    map.set(state, 7, { x: 1, y: 2 });
    value.set(state, { x: 0, y: 0 });
    const written = new Map([...state.changes().values()].map(({ key, value }) => [toHex(key), value]));
    assert.deepEqual(map.decodeValue(written.get(toHex(map.keyOf(7)))!), { x: 1, y: 2 });
    assert.deepEqual(value.decodeValue(written.get(toHex(value.key))!), { x: 0, y: 0 });
    assert.equal(map.name, 'm.Points');
    assert.equal(value.name, 'm.Origin');
  });

  it('refuses a value with trailing bytes, naming the item', () => {
    const map = storageMap('m', 'Points', u32, Point);
    const bytes = Uint8Array.of(...Point.enc({ x: 1, y: 2 }), 0);
    assert.throws(
      () => map.decodeValue(bytes),
      (error: unknown) => error instanceof CodecError && error.message.includes('m.Points'),
    );
  });

  it('remember the hex of a value key for the overlay, and of no other array', () => {
    const value = storageValue('m', 'Origin', Point);
    assert.equal(constantKeyHex(value.key), toHex(value.key).slice(2));
    assert.equal(constantKeyHex(value.key.slice()), undefined);
    assert.equal(keyToHex(value.key), keyToHex(value.key.slice()));
  });
});
