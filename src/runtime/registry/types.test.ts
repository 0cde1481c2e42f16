import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { concatBytes, toHex } from '../../codec/bytes.js';
import { CodecError } from '../../codec/errors.js';
import {
  decodeWorkerInfo,
  IasQuoteStatusCodec,
  TcbStatusCodec,
  type WorkerInfo,
  WorkerInfoCodec,
  workerInfoReportData,
} from './types.js';

const filled = (byte: number) => new Uint8Array(32).fill(byte);

const info: WorkerInfo = {
  version: 1,
  pubkey: filled(0x11),
  ecdhPubkey: filled(0x22),
  genesisHash: filled(0x33),
  operator: filled(0x44),
  features: { cores: 8, tee: 'tdx' },
  recentBlock: { number: 1234, hash: filled(0x55) },
};

// The layout written out by hand from DESIGN.md section 4 step 2 (SCALE: fields in order, u32 little
// endian, enum as one index byte: sgx = 0, tdx = 1).
const expectedEncoding = concatBytes(
  Uint8Array.of(1),
  filled(0x11),
  filled(0x22),
  filled(0x33),
  filled(0x44),
  Uint8Array.of(8, 0, 0, 0),
  Uint8Array.of(1),
  Uint8Array.of(0xd2, 0x04, 0, 0),
  filled(0x55),
);

describe('WorkerInfo', () => {
  test('encodes field by field in SCALE order, 170 bytes', () => {
    assert.deepEqual(WorkerInfoCodec.enc(info), expectedEncoding);
    assert.deepEqual(decodeWorkerInfo(expectedEncoding), info);
  });

  test('report data is BLAKE2b-256 of the encoding followed by 32 zero bytes', () => {
    const reportData = workerInfoReportData(info);
    assert.equal(reportData.length, 64);
    // Computed independently with Python's hashlib.blake2b(encoding, digest_size=32).
    assert.equal(
      toHex(reportData.subarray(0, 32)),
      '0x41882bee0a285f91a91f52f1ad7138698dfb2ced1957d43f6d568f8413857c45',
    );
    assert.deepEqual(reportData.subarray(32), new Uint8Array(32));
  });

  test('report data changes with every field, so a quote commits to all of them', () => {
    const variants: WorkerInfo[] = [
      { ...info, pubkey: filled(0x12) },
      { ...info, ecdhPubkey: filled(0x23) },
      { ...info, genesisHash: filled(0x34) },
      { ...info, operator: filled(0x45) },
      { ...info, features: { cores: 9, tee: 'tdx' } },
      { ...info, features: { cores: 8, tee: 'sgx' } },
      { ...info, recentBlock: { number: 1235, hash: filled(0x55) } },
      { ...info, recentBlock: { number: 1234, hash: filled(0x56) } },
    ];
    const base = toHex(workerInfoReportData(info));
    const seen = new Set(variants.map((v) => toHex(workerInfoReportData(v))));
    assert.equal(seen.size, variants.length);
    assert.ok(!seen.has(base));
  });

  test('refuses another version, an unknown TEE kind, an out-of-range number or a short key', () => {
    assert.throws(() => WorkerInfoCodec.enc({ ...info, version: 2 }), {
      name: 'CodecError',
      code: 'UnsupportedVersion',
    });
    const v2 = expectedEncoding.slice();
    v2[0] = 2;
    assert.throws(() => decodeWorkerInfo(v2), { name: 'CodecError', code: 'UnsupportedVersion' });
    const unknownTee = expectedEncoding.slice();
    unknownTee[1 + 128 + 4] = 2;
    assert.throws(() => decodeWorkerInfo(unknownTee), { name: 'CodecError', code: 'InvalidEncoding' });
    assert.throws(
      () => WorkerInfoCodec.enc({ ...info, features: { cores: 2 ** 32, tee: 'sgx' } }),
      CodecError,
    );
    assert.throws(
      () => WorkerInfoCodec.enc({ ...info, recentBlock: { number: -1, hash: filled(1) } }),
      CodecError,
    );
    assert.throws(() => WorkerInfoCodec.enc({ ...info, pubkey: new Uint8Array(31) }), CodecError);
    assert.throws(() => decodeWorkerInfo(expectedEncoding.subarray(0, 169)), CodecError);
    assert.throws(() => decodeWorkerInfo(concatBytes(expectedEncoding, Uint8Array.of(0))), CodecError);
  });

  test('decoding arbitrary bytes never throws anything but a CodecError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          const decoded = decodeWorkerInfo(bytes);
          assert.deepEqual(WorkerInfoCodec.enc(decoded), bytes);
        } catch (error) {
          assert.ok(error instanceof CodecError, String(error));
        }
      }),
    );
    // Mutations of a valid encoding hit the enum and version checks far more often than random bytes.
    fc.assert(
      fc.property(fc.nat(169), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const bytes = expectedEncoding.slice();
        bytes[at] = byte;
        try {
          assert.deepEqual(WorkerInfoCodec.enc(decodeWorkerInfo(bytes)), bytes);
        } catch (error) {
          assert.ok(error instanceof CodecError, String(error));
        }
      }),
    );
  });
});

// The statuses come from src/attestation/types.ts, but their SCALE index is consensus (stored
// policies and attestations hold it): written out here so that reordering the shared list fails.
describe('status codecs', () => {
  test('encode each TCB status as its fixed enum index', () => {
    // Written out rather than read from TCB_STATUSES: reordering that list must fail here.
    const order = [
      'UpToDate',
      'SWHardeningNeeded',
      'ConfigurationNeeded',
      'ConfigurationAndSWHardeningNeeded',
      'OutOfDate',
      'OutOfDateConfigurationNeeded',
      'Revoked',
    ] as const;
    for (const [index, status] of order.entries()) {
      assert.deepEqual(TcbStatusCodec.enc(status), Uint8Array.of(index), status);
      assert.equal(TcbStatusCodec.dec(Uint8Array.of(index)), status);
    }
    assert.throws(() => TcbStatusCodec.dec(Uint8Array.of(order.length)), CodecError);
  });

  test('encode each IAS quote status as its fixed enum index', () => {
    // Written out rather than read from IAS_QUOTE_STATUSES: reordering that list must fail here.
    const order = [
      'OK',
      'SIGNATURE_INVALID',
      'GROUP_REVOKED',
      'SIGNATURE_REVOKED',
      'KEY_REVOKED',
      'SIGRL_VERSION_MISMATCH',
      'GROUP_OUT_OF_DATE',
      'CONFIGURATION_NEEDED',
      'SW_HARDENING_NEEDED',
      'CONFIGURATION_AND_SW_HARDENING_NEEDED',
    ] as const;
    for (const [index, status] of order.entries()) {
      assert.deepEqual(IasQuoteStatusCodec.enc(status), Uint8Array.of(index), status);
      assert.equal(IasQuoteStatusCodec.dec(Uint8Array.of(index)), status);
    }
    assert.throws(() => IasQuoteStatusCodec.dec(Uint8Array.of(order.length)), CodecError);
  });
});
