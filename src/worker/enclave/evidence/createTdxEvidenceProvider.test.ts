import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createSimPki, createSimQuote } from '../../../attestation/sim/index.js';
import { concatBytes } from '../../../codec/bytes.js';
import { createTdxEvidenceProvider } from './createTdxEvidenceProvider.js';
import { type FileIo, nodeFileIo } from './fileIo.js';

const root = mkdtempSync(join(tmpdir(), 'phalanx-tsm-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const pki = createSimPki({ seed: Uint8Array.of(4, 2), now: 1_700_000_000 });
const reportData = new Uint8Array(64).map((_, i) => i + 1);
const otherReportData = new Uint8Array(64).fill(0xee);
const tdxQuote = (data: Uint8Array) => createSimQuote(pki, { tee: 'tdx', reportData: data }).quote;

interface EntryFiles {
  provider?: string;
  generation?: string;
  outblob?: Uint8Array;
}

/**
 * A folder laid out like /sys/kernel/config/tsm/report with one entry as the kernel presents it
 * after our write: a plain folder cannot make a quote when written to, so the quote is there already.
 */
function presentedEntry(files: EntryFiles): { reportRoot: string; entry: string } {
  const reportRoot = join(root, `report-${n++}`);
  const entry = 'phalanx-test';
  mkdirSync(join(reportRoot, entry), { recursive: true });
  writeFileSync(join(reportRoot, entry, 'provider'), files.provider ?? 'tdx_guest\n');
  writeFileSync(join(reportRoot, entry, 'generation'), files.generation ?? '1\n');
  writeFileSync(join(reportRoot, entry, 'outblob'), files.outblob ?? tdxQuote(reportData));
  return { reportRoot, entry };
}

/**
 * Plays the kernel on a temporary folder: mkdir populates an entry, writing inblob bumps generation
 * and makes the outblob, rmdir removes the entry with its attributes.
 */
function fakeKernel(reportRoot: string, provider = 'tdx_guest'): FileIo & { writes: string[] } {
  const writes: string[] = [];
  const bump = (dir: string) => {
    const generation = Number(readFileSync(join(dir, 'generation'), 'utf8'));
    writeFileSync(join(dir, 'generation'), `${generation + 1}\n`);
  };
  return {
    writes,
    readFile: nodeFileIo.readFile,
    async mkdir(path) {
      await nodeFileIo.mkdir(path);
      writeFileSync(join(path, 'provider'), `${provider}\n`);
      writeFileSync(join(path, 'generation'), '0\n');
    },
    async writeFile(path, data) {
      writes.push(path);
      await nodeFileIo.writeFile(path, data);
      const dir = join(path, '..');
      bump(dir);
      writeFileSync(join(dir, 'outblob'), tdxQuote(data));
    },
    async rmdir(path) {
      assert.ok(path.startsWith(reportRoot));
      rmSync(path, { recursive: true });
    },
  };
}

describe('tdx evidence provider (configfs-tsm)', () => {
  test('writes exactly the 64 report-data bytes to inblob and returns the outblob quote', async () => {
    const { reportRoot, entry } = presentedEntry({});
    const provider = createTdxEvidenceProvider({ reportRoot, entryName: entry });
    assert.equal(provider.tee, 'tdx');
    assert.equal(provider.kind, 'tdx');
    const quote = await provider.getQuote(reportData);
    assert.deepEqual(new Uint8Array(readFileSync(join(reportRoot, entry, 'inblob'))), reportData);
    assert.deepEqual(quote, new Uint8Array(readFileSync(join(reportRoot, entry, 'outblob'))));
  });

  test('returns the quote without the zero padding some interfaces append', async () => {
    const quote = tdxQuote(reportData);
    const { reportRoot, entry } = presentedEntry({ outblob: concatBytes(quote, new Uint8Array(512)) });
    assert.deepEqual(
      await createTdxEvidenceProvider({ reportRoot, entryName: entry }).getQuote(reportData),
      quote,
    );
  });

  test('by default uses a fresh entry per request and removes it afterwards', async () => {
    const reportRoot = join(root, `kernel-${n++}`);
    mkdirSync(reportRoot);
    const io = fakeKernel(reportRoot);
    const provider = createTdxEvidenceProvider({ reportRoot, io });
    const [a, b] = await Promise.all([provider.getQuote(reportData), provider.getQuote(otherReportData)]);
    assert.ok(a.length > 0 && b.length > 0);
    assert.equal(io.writes.length, 2);
    assert.notEqual(basename(join(io.writes[0]!, '..')), basename(join(io.writes[1]!, '..')));
    assert.deepEqual(readdirSync(reportRoot), []);
  });

  test('rejects a quote over other report data (a race or a lying host)', async () => {
    const { reportRoot, entry } = presentedEntry({ outblob: tdxQuote(otherReportData) });
    await assert.rejects(createTdxEvidenceProvider({ reportRoot, entryName: entry }).getQuote(reportData), {
      name: 'EnclaveError',
      code: 'ReportDataMismatch',
    });
  });

  test('rejects an SGX quote and bytes that are not a quote', async () => {
    const sgx = createSimQuote(pki, { tee: 'sgx', reportData }).quote;
    const wrongTee = presentedEntry({ outblob: sgx });
    await assert.rejects(
      createTdxEvidenceProvider({ reportRoot: wrongTee.reportRoot, entryName: wrongTee.entry }).getQuote(
        reportData,
      ),
      { code: 'QuoteTeeMismatch' },
    );
    const garbage = presentedEntry({ outblob: new Uint8Array(100).fill(1) });
    await assert.rejects(
      createTdxEvidenceProvider({ reportRoot: garbage.reportRoot, entryName: garbage.entry }).getQuote(
        reportData,
      ),
      { code: 'MalformedQuote' },
    );
  });

  test('rejects a provider other than tdx_guest before writing anything', async () => {
    const { reportRoot, entry } = presentedEntry({ provider: 'sev_guest\n' });
    await assert.rejects(createTdxEvidenceProvider({ reportRoot, entryName: entry }).getQuote(reportData), {
      code: 'EvidenceProviderMismatch',
    });
    assert.equal(existsSync(join(reportRoot, entry, 'inblob')), false);
  });

  test('retries when generation changes between reads, then rejects', async () => {
    const { reportRoot, entry } = presentedEntry({});
    let outblobReads = 0;
    const io: FileIo = {
      ...nodeFileIo,
      async readFile(path) {
        const bytes = await nodeFileIo.readFile(path);
        if (path.endsWith('outblob')) {
          outblobReads++;
          // Another writer touches the entry while we read the outblob.
          const generationPath = join(reportRoot, entry, 'generation');
          writeFileSync(generationPath, `${Number(readFileSync(generationPath, 'utf8')) + 1}\n`);
        }
        return bytes;
      },
    };
    await assert.rejects(
      createTdxEvidenceProvider({ reportRoot, entryName: entry, io, maxAttempts: 3 }).getQuote(reportData),
      {
        code: 'ConcurrentReportWriter',
      },
    );
    assert.equal(outblobReads, 3);
  });

  test('succeeds on a retry once the generation holds still', async () => {
    const { reportRoot, entry } = presentedEntry({});
    let outblobReads = 0;
    const io: FileIo = {
      ...nodeFileIo,
      async readFile(path) {
        const bytes = await nodeFileIo.readFile(path);
        if (path.endsWith('outblob') && outblobReads++ === 0) {
          writeFileSync(join(reportRoot, entry, 'generation'), '7\n');
        }
        return bytes;
      },
    };
    const quote = await createTdxEvidenceProvider({ reportRoot, entryName: entry, io }).getQuote(reportData);
    assert.deepEqual(quote, new Uint8Array(readFileSync(join(reportRoot, entry, 'outblob'))));
    assert.equal(outblobReads, 2);
  });

  test('without configfs-tsm, or with report data that is not 64 bytes, fails with a typed error', async () => {
    await assert.rejects(
      createTdxEvidenceProvider({ reportRoot: join(root, 'absent') }).getQuote(reportData),
      {
        code: 'EvidenceUnavailable',
      },
    );
    const { reportRoot, entry } = presentedEntry({});
    await assert.rejects(
      createTdxEvidenceProvider({ reportRoot, entryName: entry }).getQuote(new Uint8Array(32)),
      {
        code: 'InvalidReportData',
      },
    );
    const badGeneration = presentedEntry({ generation: 'x\n' });
    await assert.rejects(
      createTdxEvidenceProvider({
        reportRoot: badGeneration.reportRoot,
        entryName: badGeneration.entry,
      }).getQuote(reportData),
      { code: 'EvidenceUnavailable' },
    );
  });
});
