import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Block,
  BlockCodec,
  ExtrinsicCodec,
  extrinsicSigningPayload,
  type Header,
  hashHeader,
  listRoot,
  signExtrinsic,
  signHeader,
  verifyHeaderSignature,
} from './chain.js';
import { CodecError } from './errors.js';
import { ed25519Verify, generateEd25519 } from './keys.js';
import { decodeExact } from './scale.js';

const authority = generateEd25519();
const header: Header = {
  parentHash: new Uint8Array(32).fill(1),
  number: 7,
  timestamp: 1_700_000_000_000n,
  stateRoot: new Uint8Array(32).fill(2),
  extrinsicsRoot: new Uint8Array(32).fill(3),
  eventsRoot: new Uint8Array(32).fill(4),
  author: authority.publicKey,
};

describe('chain formats', () => {
  it('signs headers so that any change to a field breaks the signature', () => {
    const signature = signHeader(header, authority.secretSeed);
    assert.equal(verifyHeaderSignature({ header, signature }), true);
    assert.equal(verifyHeaderSignature({ header: { ...header, number: 8 }, signature }), false);
    assert.equal(
      verifyHeaderSignature({ header: { ...header, timestamp: header.timestamp + 1n }, signature }),
      false,
    );
  });

  it('round-trips a block and hashes its header stably', () => {
    const block: Block = {
      header,
      signature: signHeader(header, authority.secretSeed),
      extrinsics: [new Uint8Array([1, 2])],
    };
    const decoded = decodeExact(BlockCodec, BlockCodec.enc(block), 'block');
    assert.deepEqual(decoded, block);
    assert.deepEqual(hashHeader(decoded.header), hashHeader(header));
  });

  it('binds an extrinsic signature to genesis, signer, nonce and call', () => {
    const genesisHash = new Uint8Array(32).fill(9);
    const call = { module: 'balances', call: 'transfer', args: new Uint8Array([5]) };
    const bytes = signExtrinsic({
      genesisHash,
      signerSeed: authority.secretSeed,
      signer: authority.publicKey,
      nonce: 3,
      call,
    });
    const ext = decodeExact(ExtrinsicCodec, bytes, 'extrinsic');
    const sig = ext.signature!;
    assert.equal(
      ed25519Verify(sig.signer, extrinsicSigningPayload(genesisHash, sig.signer, 3, ext.call), sig.signature),
      true,
    );
    assert.equal(
      ed25519Verify(sig.signer, extrinsicSigningPayload(genesisHash, sig.signer, 4, ext.call), sig.signature),
      false,
    );
    const otherChain = new Uint8Array(32).fill(8);
    assert.equal(
      ed25519Verify(sig.signer, extrinsicSigningPayload(otherChain, sig.signer, 3, ext.call), sig.signature),
      false,
    );
  });

  it('rejects truncated and padded extrinsic bytes with a CodecError', () => {
    const call = { module: 'm', call: 'c', args: new Uint8Array() };
    const bytes = signExtrinsic({
      genesisHash: new Uint8Array(32),
      signerSeed: authority.secretSeed,
      signer: authority.publicKey,
      nonce: 0,
      call,
    });
    assert.throws(() => decodeExact(ExtrinsicCodec, bytes.subarray(0, bytes.length - 1)), CodecError);
    assert.throws(() => decodeExact(ExtrinsicCodec, new Uint8Array([...bytes, 0])), CodecError);
  });

  it('says where an empty or short extrinsic ends instead of leaking a DataView error', () => {
    assert.throws(() => decodeExact(ExtrinsicCodec, new Uint8Array(0), 'extrinsic'), {
      name: 'CodecError',
      message: 'malformed SCALE extrinsic: unexpected end of input at byte 0',
    });
    // A signed extrinsic cut inside the signer key.
    assert.throws(() => decodeExact(ExtrinsicCodec, Uint8Array.of(1, 2, 3), 'extrinsic'), {
      message:
        'malformed SCALE extrinsic: unexpected end of input: the 32-byte field at byte 1 runs past the end (byte 3)',
    });
  });

  it('gives list roots that depend on every item and on their order', () => {
    const a = new Uint8Array([1]);
    const b = new Uint8Array([2]);
    const c = new Uint8Array([3]);
    assert.notDeepEqual(listRoot([a, b, c]), listRoot([b, a, c]));
    assert.notDeepEqual(listRoot([a, b]), listRoot([a, b, c]));
    assert.notDeepEqual(listRoot([]), listRoot([new Uint8Array()]));
    assert.deepEqual(listRoot([a, b, c]), listRoot([a, b, c]));
  });
});
