import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8 } from '../../codec/bytes.js';
import { createMapReader, keyToHex, Overlay } from './overlay.js';

const key = (text: string) => utf8(text);
const event = (name: string) => ({ phase: 0, module: 'm', name, data: new Uint8Array() });

describe('Overlay', () => {
  const base = new Map([[keyToHex(key('a')), Uint8Array.of(1)]]);

  it('reads through to the parent and sees its own writes first', () => {
    const block = new Overlay(createMapReader(base));
    assert.deepEqual(block.get(key('a')), Uint8Array.of(1));
    block.set(key('a'), Uint8Array.of(2));
    const call = block.child();
    assert.deepEqual(call.get(key('a')), Uint8Array.of(2));
    call.delete(key('a'));
    assert.equal(call.get(key('a')), undefined);
    assert.deepEqual(block.get(key('a')), Uint8Array.of(2));
  });

  it('commits a child layer with its events into the parent, in order', () => {
    const block = new Overlay(createMapReader(base));
    block.emit(event('first'));
    const call = block.child();
    call.set(key('b'), Uint8Array.of(9));
    call.emit(event('second'));
    call.commit();
    assert.deepEqual(block.get(key('b')), Uint8Array.of(9));
    assert.deepEqual(
      block.events.map((e) => e.name),
      ['first', 'second'],
    );
  });

  it('drops a discarded layer: neither its writes nor its events reach the parent', () => {
    const block = new Overlay(createMapReader(base));
    const call = block.child();
    call.set(key('a'), Uint8Array.of(7));
    call.emit(event('lost'));
    call.discard();
    assert.deepEqual(block.get(key('a')), Uint8Array.of(1));
    assert.deepEqual(block.events, []);
    assert.deepEqual([...block.changes()], []);
  });

  it('refuses writes to a closed layer, which would otherwise vanish', () => {
    const block = new Overlay(createMapReader(base));
    const call = block.child();
    call.commit();
    assert.throws(() => call.set(key('x'), Uint8Array.of(1)), /after commit/);
  });

  it('leaves writes that restore the parent value, and deletes of absent keys, out of the changes', () => {
    const block = new Overlay(createMapReader(base));
    block.set(key('a'), Uint8Array.of(1));
    block.delete(key('never'));
    block.set(key('c'), Uint8Array.of(3));
    block.delete(key('a'));
    const changes = block.changes();
    assert.deepEqual(
      [...changes.values()].map(({ key: k, value }) => [Buffer.from(k).toString(), value]),
      [
        ['a', null],
        ['c', Uint8Array.of(3)],
      ],
    );
  });
});
