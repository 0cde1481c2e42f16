// One interface for every way the enclave core gets evidence (DESIGN.md section 4, step 3). The
// provider talks to the TEE (kernel, Gramine, or the sim); the core decides what to attest to.
import type { TeeKind } from '../../../runtime/registry/types.js';

/** Which implementation produced the quote. `sim` is the insecure software TEE. */
export type EvidenceKind = 'sim' | 'sgx' | 'tdx';

export interface EvidenceProvider {
  /** The quote format this provider returns (a sim provider produces either). */
  readonly tee: TeeKind;
  readonly kind: EvidenceKind;
  /**
   * A DCAP quote whose REPORTDATA is exactly `reportData` (64 bytes). Providers check that before
   * returning; a quote over anything else is an EnclaveError('ReportDataMismatch').
   */
  getQuote(reportData: Uint8Array): Promise<Uint8Array>;
}
