import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Option, Struct, str, u128, Vector } from '../../codec/scale.js';
import { balancesEventCodecs } from '../balances/types.js';
import { decodeEvent } from '../index.js';
import { toJsonValue } from './events.js';

describe('decodeEvent', () => {
  it('turns an event into JSON-friendly data: bigints as decimal strings, bytes as 0x-hex', () => {
    const from = new Uint8Array(32).fill(0xab);
    const to = new Uint8Array(32).fill(0x01);
    const data = balancesEventCodecs.Transferred.enc({ from, to, amount: 2n ** 100n });
    const decoded = decodeEvent({ phase: 3, module: 'balances', name: 'Transferred', data });
    assert.deepEqual(decoded, {
      module: 'balances',
      name: 'Transferred',
      phase: 3,
      data: { from: `0x${'ab'.repeat(32)}`, to: `0x${'01'.repeat(32)}`, amount: (2n ** 100n).toString() },
    });
    assert.doesNotThrow(() => JSON.stringify(decoded));
  });

  it('gives the raw hex of an unknown or undecodable event instead of throwing', () => {
    assert.deepEqual(decodeEvent({ phase: undefined, module: 'x', name: 'Y', data: Uint8Array.of(1, 2) }), {
      module: 'x',
      name: 'Y',
      phase: null,
      data: { raw: '0x0102' },
    });
    assert.deepEqual(
      decodeEvent({ phase: 0, module: 'balances', name: 'Transferred', data: Uint8Array.of(1) }).data,
      { raw: '0x01' },
    );
  });

  it('maps absent options to null and keeps nested structure', () => {
    const codec = Struct({ name: str, total: u128, tags: Vector(str), maybe: Option(u128) });
    const value = codec.dec(codec.enc({ name: 'n', total: 5n, tags: ['a'], maybe: undefined }));
    assert.deepEqual(toJsonValue(value), { name: 'n', total: '5', tags: ['a'], maybe: null });
  });
});
