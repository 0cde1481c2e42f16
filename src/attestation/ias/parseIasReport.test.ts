import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesToHex, utf8 } from '../../codec/bytes.js';
import { AttestationError } from '../errors.js';
import { isSgxDebug } from '../sgxReportBody.js';
import { EPID_QUOTE_BODY_LENGTH, parseEpidQuoteBody } from './parseEpidQuoteBody.js';
import { parseIasReport, parseIasTimestamp } from './parseIasReport.js';

// A quote body laid out by hand from sgx_quote.h / sgx_report.h offsets.
function makeQuoteBody(): Uint8Array {
  const b = new Uint8Array(EPID_QUOTE_BODY_LENGTH);
  const v = new DataView(b.buffer);
  v.setUint16(0, 2, true); // version
  v.setUint16(2, 1, true); // linkable
  b.set([0xaa, 0xbb, 0xcc, 0xdd], 4); // gid
  v.setUint16(8, 11, true); // qe svn
  v.setUint16(10, 10, true); // pce svn
  b[48 + 48] = 0x07; // attributes: INIT | DEBUG | MODE64BIT
  b.fill(0x11, 48 + 64, 48 + 96); // mrenclave
  b.fill(0x22, 48 + 128, 48 + 160); // mrsigner
  v.setUint16(48 + 256, 0x1234, true); // isvprodid
  v.setUint16(48 + 258, 7, true); // isvsvn
  b.fill(0x33, 48 + 320, 48 + 384); // report data
  return b;
}

const baseReport = {
  id: '1',
  timestamp: '2020-06-15T10:43:20.123456',
  version: 4,
  isvEnclaveQuoteStatus: 'OK',
  isvEnclaveQuoteBody: Buffer.from(makeQuoteBody()).toString('base64'),
};
const encode = (o: unknown) => utf8(JSON.stringify(o));

function rejects(fn: () => unknown, code = 'IasReportInvalid'): void {
  assert.throws(fn, (e: unknown) => e instanceof AttestationError && e.code === code);
}

describe('parseEpidQuoteBody', () => {
  it('reads the quote header and the report body at the SDK offsets', () => {
    const q = parseEpidQuoteBody(makeQuoteBody());
    assert.equal(q.header.version, 2);
    assert.equal(q.header.signType, 1);
    assert.equal(bytesToHex(q.header.epidGroupId), 'aabbccdd');
    assert.equal(q.header.qeSvn, 11);
    assert.equal(q.header.pceSvn, 10);
    assert.equal(bytesToHex(q.report.mrEnclave), '11'.repeat(32));
    assert.equal(bytesToHex(q.report.mrSigner), '22'.repeat(32));
    assert.equal(q.report.isvProdId, 0x1234);
    assert.equal(q.report.isvSvn, 7);
    assert.equal(bytesToHex(q.report.reportData), '33'.repeat(64));
    assert.equal(isSgxDebug(q.report.attributes), true);
  });

  it('rejects a body that is not 432 bytes', () => {
    rejects(() => parseEpidQuoteBody(new Uint8Array(431)));
    rejects(() => parseEpidQuoteBody(new Uint8Array(436)));
  });
});

describe('parseIasReport', () => {
  it('reads the fields, with no advisories when advisoryIDs is absent', () => {
    const r = parseIasReport(encode(baseReport));
    assert.equal(r.quoteStatus, 'OK');
    assert.deepEqual(r.advisoryIds, []);
    assert.equal(r.producedAt, Date.UTC(2020, 5, 15, 10, 43, 20) / 1000);
  });

  it('rejects unknown statuses, missing fields, wrong types and bad base64', () => {
    rejects(() => parseIasReport(encode({ ...baseReport, isvEnclaveQuoteStatus: 'FINE' })));
    rejects(() => parseIasReport(encode({ ...baseReport, id: undefined })));
    rejects(() => parseIasReport(encode({ ...baseReport, version: '4' })));
    rejects(() => parseIasReport(encode({ ...baseReport, isvEnclaveQuoteBody: 'AAA*' })));
    rejects(() => parseIasReport(encode({ ...baseReport, isvEnclaveQuoteBody: 'AAAA' })));
    rejects(() => parseIasReport(encode({ ...baseReport, advisoryIDs: 'INTEL-SA-1' })));
    rejects(() => parseIasReport(encode({ ...baseReport, timestamp: '2020-06-15 10:43:20' })));
    rejects(() => parseIasReport(encode([])));
    rejects(() => parseIasReport(utf8('{')));
    rejects(() => parseIasReport(new Uint8Array([0xff, 0xfe])));
  });

  it('never throws anything but IasReportInvalid on random JSON or bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json().map(utf8), fc.uint8Array({ maxLength: 600 })), (body) => {
        rejects(() => parseIasReport(body));
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseIasTimestamp', () => {
  it('reads zone-less timestamps as UTC and drops fractions', () => {
    assert.equal(parseIasTimestamp('2023-10-18T09:01:15.022794'), Date.UTC(2023, 9, 18, 9, 1, 15) / 1000);
    assert.equal(parseIasTimestamp('2023-10-18T09:01:15'), Date.UTC(2023, 9, 18, 9, 1, 15) / 1000);
  });

  it('rejects impossible dates instead of rolling them over', () => {
    rejects(() => parseIasTimestamp('2023-02-30T00:00:00'));
    rejects(() => parseIasTimestamp('2023-13-01T00:00:00'));
    rejects(() => parseIasTimestamp('2023-01-01T24:00:00'));
    rejects(() => parseIasTimestamp('2023-01-01T00:00:00Z'));
  });
});
