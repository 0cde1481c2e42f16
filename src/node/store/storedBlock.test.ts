import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Block, BlockCodec, listRoot } from '../../codec/chain.js';
import { decodeStoredBlock, encodeStoredBlock } from './storedBlock.js';

function block(number: number, parentHash: Uint8Array): Block {
  const extrinsics = [Uint8Array.of(1, 2, 3), new Uint8Array(300).fill(9)];
  return {
    header: {
      parentHash,
      number,
      timestamp: 1_700_000_000_000n + BigInt(number),
      stateRoot: new Uint8Array(32).fill(2),
      extrinsicsRoot: listRoot(extrinsics),
      eventsRoot: listRoot([]),
      author: new Uint8Array(32).fill(4),
    },
    signature: new Uint8Array(64).fill(5),
    extrinsics,
  };
}

describe('stored blocks', () => {
  it('leave out the parent hash and number, and come back whole from them', () => {
    const parent = new Uint8Array(32).fill(0xab);
    const original = block(70_000, parent);
    const stored = encodeStoredBlock(original);
    // 36 bytes of leading fields and the empty events root out, a flag byte in.
    assert.equal(stored.length, BlockCodec.enc(original).length - 36 - 32 + 1);
    assert.deepEqual(decodeStoredBlock(stored, 70_000, parent), original);
  });

  it('leave out the roots of empty lists, and put each back where it was', () => {
    const parent = new Uint8Array(32).fill(0xcd);
    const idle = { ...block(9, parent), extrinsics: [] };
    idle.header = { ...idle.header, extrinsicsRoot: listRoot([]) };
    const stored = encodeStoredBlock(idle);
    assert.equal(stored.length, BlockCodec.enc(idle).length - 36 - 64 + 1);
    assert.deepEqual(decodeStoredBlock(stored, 9, parent), idle);
    // Events but no extrinsics (a block whose hooks emitted): only the extrinsics root is left out.
    const hooked = { ...idle, header: { ...idle.header, eventsRoot: new Uint8Array(32).fill(6) } };
    assert.deepEqual(decodeStoredBlock(encodeStoredBlock(hooked), 9, parent), hooked);
  });

  it('refuses stored bytes with flags it does not know', () => {
    const parent = new Uint8Array(32).fill(1);
    const stored = encodeStoredBlock(block(5, parent));
    stored[0] = 7;
    assert.throws(() => decodeStoredBlock(stored, 5, parent), { code: 'UnexpectedBlockEncoding' });
  });

  it('keep the genesis block whole, since it has no parent entry', () => {
    const genesis = block(0, new Uint8Array(32).fill(3));
    const stored = encodeStoredBlock(genesis);
    assert.deepEqual(stored, BlockCodec.enc(genesis));
    assert.deepEqual(decodeStoredBlock(stored, 0, undefined), genesis);
  });
});
