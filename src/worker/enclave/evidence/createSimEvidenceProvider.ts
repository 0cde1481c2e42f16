// INSECURE evidence from the simulated TEE (DESIGN.md section 6): real-format DCAP quotes signed by
// the sim PKI, which only a development chain trusts. The quote carries the worker's simulated
// measurement, the same one its sim sealing key is bound to.
import {
  createSimQuote,
  SIM_DEFAULT_MRENCLAVE,
  SIM_DEFAULT_MRTD,
  type SimPki,
  type SimQuoteRequest,
} from '../../../attestation/sim/index.js';
import type { TeeKind } from '../../../runtime/registry/types.js';
import { EnclaveError } from '../errors.js';
import { checkQuote, checkReportDataArgument } from './checkQuote.js';
import type { EvidenceProvider } from './types.js';

/** What else a sim quote may say (TCB status, debug, ...): for negative tests of the chain's checks. */
export type SimQuoteExtras = Omit<SimQuoteRequest, 'tee' | 'reportData' | 'mrEnclave' | 'mrTd'>;

export interface SimEvidenceOptions {
  readonly pki: SimPki;
  readonly tee: TeeKind;
  /** MRENCLAVE (32 bytes) for sgx, MRTD (48 bytes) for tdx. Default: the sim's worker measurement. */
  readonly measurement?: Uint8Array;
  readonly extras?: SimQuoteExtras;
}

export interface SimEvidenceProvider extends EvidenceProvider {
  readonly kind: 'sim';
  readonly measurement: Uint8Array;
}

/** The measurement a sim worker has unless configured otherwise (what a development genesis allowlists). */
export function defaultSimMeasurement(tee: TeeKind): Uint8Array {
  return tee === 'sgx' ? SIM_DEFAULT_MRENCLAVE : SIM_DEFAULT_MRTD;
}

export function createSimEvidenceProvider(options: SimEvidenceOptions): SimEvidenceProvider {
  const { pki, tee } = options;
  if (tee !== 'sgx' && tee !== 'tdx')
    throw new EnclaveError('InvalidConfig', `sim tee must be sgx or tdx, got ${String(tee)}`);
  const measurement = options.measurement ?? defaultSimMeasurement(tee);
  const expectedLength = tee === 'sgx' ? 32 : 48;
  if (!(measurement instanceof Uint8Array) || measurement.length !== expectedLength) {
    throw new EnclaveError('InvalidConfig', `sim ${tee} measurement must be ${expectedLength} bytes`, {
      length: (measurement as Uint8Array | undefined)?.length,
    });
  }
  return {
    tee,
    kind: 'sim',
    measurement,
    async getQuote(reportData) {
      checkReportDataArgument(reportData);
      const { quote } = createSimQuote(pki, {
        ...options.extras,
        tee,
        reportData,
        ...(tee === 'sgx' ? { mrEnclave: measurement } : { mrTd: measurement }),
      });
      return checkQuote(quote, { tee, reportData, source: 'sim' });
    },
  };
}
