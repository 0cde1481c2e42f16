import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createSimPki, createSimQuote } from '../../../attestation/sim/index.js';
import { createSgxEvidenceProvider } from './createSgxEvidenceProvider.js';
import { type FileIo, nodeFileIo } from './fileIo.js';

const root = mkdtempSync(join(tmpdir(), 'phalanx-gramine-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const pki = createSimPki({ seed: Uint8Array.of(4, 3), now: 1_700_000_000 });
const reportData = new Uint8Array(64).map((_, i) => 255 - i);
const otherReportData = new Uint8Array(64).fill(0x11);
const sgxQuote = (data: Uint8Array) => createSimQuote(pki, { tee: 'sgx', reportData: data }).quote;

/** A folder laid out like Gramine's /dev/attestation as it reads after our write of user_report_data. */
function presentedAttestation(files: { type?: string; quote?: Uint8Array }): string {
  const dir = join(root, `attestation-${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'attestation_type'), files.type ?? 'dcap');
  writeFileSync(join(dir, 'quote'), files.quote ?? sgxQuote(reportData));
  return dir;
}

describe('sgx evidence provider (Gramine /dev/attestation)', () => {
  test('writes exactly the 64 report-data bytes to user_report_data and returns the quote', async () => {
    const attestationRoot = presentedAttestation({});
    const provider = createSgxEvidenceProvider({ attestationRoot });
    assert.equal(provider.tee, 'sgx');
    assert.equal(provider.kind, 'sgx');
    const quote = await provider.getQuote(reportData);
    assert.deepEqual(new Uint8Array(readFileSync(join(attestationRoot, 'user_report_data'))), reportData);
    assert.deepEqual(quote, new Uint8Array(readFileSync(join(attestationRoot, 'quote'))));
  });

  test('rejects a quote over other report data', async () => {
    const attestationRoot = presentedAttestation({ quote: sgxQuote(otherReportData) });
    await assert.rejects(createSgxEvidenceProvider({ attestationRoot }).getQuote(reportData), {
      name: 'EnclaveError',
      code: 'ReportDataMismatch',
    });
  });

  test('rejects a TDX quote', async () => {
    const attestationRoot = presentedAttestation({
      quote: createSimQuote(pki, { tee: 'tdx', reportData }).quote,
    });
    await assert.rejects(createSgxEvidenceProvider({ attestationRoot }).getQuote(reportData), {
      code: 'QuoteTeeMismatch',
    });
  });

  test('rejects attestation types other than dcap before writing anything', async () => {
    for (const type of ['epid', 'none']) {
      const attestationRoot = presentedAttestation({ type });
      await assert.rejects(createSgxEvidenceProvider({ attestationRoot }).getQuote(reportData), {
        code: 'EvidenceProviderMismatch',
      });
      assert.equal(existsSync(join(attestationRoot, 'user_report_data')), false);
    }
  });

  test('outside Gramine, or with report data that is not 64 bytes, fails with a typed error', async () => {
    await assert.rejects(
      createSgxEvidenceProvider({ attestationRoot: join(root, 'absent') }).getQuote(reportData),
      {
        code: 'EvidenceUnavailable',
      },
    );
    await assert.rejects(
      createSgxEvidenceProvider({ attestationRoot: presentedAttestation({}) }).getQuote(new Uint8Array(65)),
      {
        code: 'InvalidReportData',
      },
    );
  });

  test('concurrent requests in one process do not take each other’s quotes', async () => {
    // Plays Gramine: the quote reflects the last user_report_data written, and reading it takes time.
    const attestationRoot = presentedAttestation({});
    let current = new Uint8Array(64);
    const io: FileIo = {
      ...nodeFileIo,
      async writeFile(path, data) {
        await nodeFileIo.writeFile(path, data);
        current = data.slice();
      },
      async readFile(path) {
        if (!path.endsWith('quote')) return nodeFileIo.readFile(path);
        await nextTurn();
        return sgxQuote(current);
      },
    };
    const provider = createSgxEvidenceProvider({ attestationRoot, io });
    const datas = [reportData, otherReportData, new Uint8Array(64).fill(3)];
    const quotes = await Promise.all(datas.map((d) => provider.getQuote(d)));
    assert.equal(quotes.length, 3);
    // A failed request does not wedge the ones queued behind it.
    await assert.rejects(provider.getQuote(new Uint8Array(1)), { code: 'InvalidReportData' });
    assert.ok((await provider.getQuote(reportData)).length > 0);
  });
});
