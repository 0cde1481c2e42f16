// SGX quotes through Gramine's /dev/attestation pseudo-filesystem (Gramine Documentation/
// attestation.rst, "Low-level /dev/attestation interface"):
//   attestation_type  (R)  "none", "epid" or "dcap"; we need DCAP
//   user_report_data  (W)  64 bytes, our REPORTDATA
//   quote             (R)  the quote over the last user_report_data
// The files are process-local, so only this process can interleave with us: requests are serialised
// here, and checkQuote catches anything else.
import { join } from 'node:path';
import { fromUtf8 } from '../../../codec/bytes.js';
import { EnclaveError } from '../errors.js';
import { GRAMINE_ATTESTATION_ROOT } from '../sealing/createSgxSealingProvider.js';
import { checkQuote, checkReportDataArgument } from './checkQuote.js';
import { type FileIo, nodeFileIo } from './fileIo.js';
import type { EvidenceProvider } from './types.js';

export interface SgxEvidenceOptions {
  /** Default /dev/attestation; a temporary folder laid out like it in tests. */
  readonly attestationRoot?: string;
  readonly io?: FileIo;
}

export interface SgxEvidenceProvider extends EvidenceProvider {
  readonly tee: 'sgx';
  readonly kind: 'sgx';
}

export function createSgxEvidenceProvider(options: SgxEvidenceOptions = {}): SgxEvidenceProvider {
  const root = options.attestationRoot ?? GRAMINE_ATTESTATION_ROOT;
  const io = options.io ?? nodeFileIo;
  let queue: Promise<unknown> = Promise.resolve();

  async function read(name: string): Promise<Uint8Array> {
    const path = join(root, name);
    try {
      return await io.readFile(path);
    } catch (cause) {
      throw new EnclaveError('EvidenceUnavailable', `Gramine: cannot read ${path}`, { path }, { cause });
    }
  }

  async function request(reportData: Uint8Array): Promise<Uint8Array> {
    const typeBytes = await read('attestation_type');
    let type: string;
    try {
      type = fromUtf8(typeBytes).replace(/\0+$/, '').trim();
    } catch {
      type = `<${typeBytes.length} bytes>`;
    }
    if (type !== 'dcap') {
      throw new EnclaveError(
        'EvidenceProviderMismatch',
        `Gramine attestation_type is '${type}', expected 'dcap' (set sgx.remote_attestation = "dcap" in the manifest)`,
        { attestationType: type, expected: 'dcap' },
      );
    }
    const reportDataPath = join(root, 'user_report_data');
    try {
      await io.writeFile(reportDataPath, reportData);
    } catch (cause) {
      throw new EnclaveError('EvidenceUnavailable', `Gramine: cannot write ${reportDataPath}`, {}, { cause });
    }
    const quote = await read('quote');
    return checkQuote(quote, { tee: 'sgx', reportData, source: join(root, 'quote') });
  }

  return {
    tee: 'sgx',
    kind: 'sgx',
    getQuote(reportData) {
      try {
        checkReportDataArgument(reportData);
      } catch (error) {
        return Promise.reject(error);
      }
      const run = queue.then(
        () => request(reportData),
        () => request(reportData),
      );
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
