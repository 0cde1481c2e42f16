// TDX quotes through Linux configfs-tsm (kernel 6.7+, Documentation/ABI/testing/configfs-tsm):
//   mkdir report/$name        a report instance; the kernel populates its attributes
//   provider   (RO)           "tdx_guest" when the TDX guest driver is the TSM
//   inblob     (WO)           up to 64 bytes, our REPORTDATA
//   generation (RO)           increments on every write to inblob or an option
//   outblob    (RO)           the quote for the current inblob (generated on read)
//   rmdir report/$name
// The ABI's conflict detection: read `generation` around `outblob`; if it moved, someone wrote in
// between and the outblob may be theirs, so try again. A fresh entry per request avoids sharing one
// in the first place; the report-data check (checkQuote) catches whatever slips past both.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fromUtf8 } from '../../../codec/bytes.js';
import { EnclaveError } from '../errors.js';
import { checkQuote, checkReportDataArgument } from './checkQuote.js';
import { type FileIo, nodeFileIo } from './fileIo.js';
import type { EvidenceProvider } from './types.js';

export const TSM_REPORT_ROOT = '/sys/kernel/config/tsm/report';
const TDX_PROVIDER = 'tdx_guest';
const DEFAULT_ATTEMPTS = 3;

export interface TdxEvidenceOptions {
  /** Default /sys/kernel/config/tsm/report; a temporary folder laid out like it in tests. */
  readonly reportRoot?: string;
  /**
   * A fixed entry name (reused if it exists). Default: a fresh unique entry per request, which the
   * ABI recommends so that concurrent requesters never share one.
   */
  readonly entryName?: string;
  /** Requests to make when `generation` moves under us before giving up. Default 3. */
  readonly maxAttempts?: number;
  readonly io?: FileIo;
}

export interface TdxEvidenceProvider extends EvidenceProvider {
  readonly tee: 'tdx';
  readonly kind: 'tdx';
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function createTdxEvidenceProvider(options: TdxEvidenceOptions = {}): TdxEvidenceProvider {
  const root = options.reportRoot ?? TSM_REPORT_ROOT;
  const io = options.io ?? nodeFileIo;
  const maxAttempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new EnclaveError('InvalidConfig', `maxAttempts must be a positive integer, got ${maxAttempts}`);
  }

  async function read(path: string): Promise<Uint8Array> {
    try {
      return await io.readFile(path);
    } catch (cause) {
      throw new EnclaveError('EvidenceUnavailable', `configfs-tsm: cannot read ${path}`, { path }, { cause });
    }
  }

  async function readText(path: string): Promise<string> {
    const bytes = await read(path);
    try {
      return fromUtf8(bytes).trim();
    } catch (cause) {
      throw new EnclaveError('EvidenceUnavailable', `configfs-tsm: ${path} is not text`, { path }, { cause });
    }
  }

  async function readGeneration(path: string): Promise<number> {
    const text = await readText(path);
    if (!/^\d+$/.test(text)) {
      throw new EnclaveError(
        'EvidenceUnavailable',
        `configfs-tsm: ${path} is not a number: ${text.slice(0, 40)}`,
        {
          path,
        },
      );
    }
    return Number(text);
  }

  async function makeEntry(dir: string): Promise<void> {
    try {
      await io.mkdir(dir);
    } catch (cause) {
      if (errnoOf(cause) === 'EEXIST' && options.entryName !== undefined) return;
      throw new EnclaveError(
        'EvidenceUnavailable',
        `configfs-tsm: cannot create report entry ${dir} (is this a TD with configfs mounted?)`,
        { path: dir },
        { cause },
      );
    }
  }

  async function removeEntry(dir: string): Promise<void> {
    try {
      await io.rmdir(dir);
    } catch {
      // The quote is already in hand. On real configfs rmdir does not fail for an idle entry; on a
      // plain folder (tests) it does, because the attribute files are real files.
    }
  }

  /** One request on one entry: the quote, or undefined if `generation` moved under us. */
  async function requestOnce(dir: string, reportData: Uint8Array): Promise<Uint8Array | undefined> {
    const provider = await readText(join(dir, 'provider'));
    if (provider !== TDX_PROVIDER) {
      throw new EnclaveError(
        'EvidenceProviderMismatch',
        `configfs-tsm provider is '${provider}', expected '${TDX_PROVIDER}'`,
        { provider, expected: TDX_PROVIDER },
      );
    }
    try {
      await io.writeFile(join(dir, 'inblob'), reportData);
    } catch (cause) {
      throw new EnclaveError(
        'EvidenceUnavailable',
        `configfs-tsm: cannot write ${join(dir, 'inblob')}`,
        {},
        { cause },
      );
    }
    const before = await readGeneration(join(dir, 'generation'));
    const outblob = await read(join(dir, 'outblob'));
    const after = await readGeneration(join(dir, 'generation'));
    return before === after ? outblob : undefined;
  }

  return {
    tee: 'tdx',
    kind: 'tdx',
    async getQuote(reportData) {
      checkReportDataArgument(reportData);
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const dir = join(
          root,
          options.entryName ?? `phalanx-${process.pid}-${randomBytes(8).toString('hex')}`,
        );
        await makeEntry(dir);
        let outblob: Uint8Array | undefined;
        try {
          outblob = await requestOnce(dir, reportData);
        } finally {
          await removeEntry(dir);
        }
        if (outblob !== undefined)
          return checkQuote(outblob, { tee: 'tdx', reportData, source: join(dir, 'outblob') });
      }
      throw new EnclaveError(
        'ConcurrentReportWriter',
        `configfs-tsm: another writer changed the report entry during each of ${maxAttempts} attempts`,
        { attempts: maxAttempts, root },
      );
    },
  };
}
