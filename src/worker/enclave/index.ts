// The enclave core's public surface: what the worker's start-up code and later parts of the core
// (light client, heartbeats) import. Sim implementations are exported under their `sim` names only.

export {
  BENCHMARK_BLOCKS,
  type Benchmark,
  type BenchmarkReport,
  createBenchmark,
  createBenchmarkWorkload,
} from './createBenchmark.js';
export {
  type Attestation,
  createEnclaveCore,
  type EnclaveCore,
  type EnclaveCoreOptions,
  NETWORK_KEY_INFO,
} from './enclaveCore.js';
export { EnclaveError, type EnclaveErrorCode, isEnclaveError } from './errors.js';
export { checkQuote, checkReportDataArgument, REPORT_DATA_LENGTH } from './evidence/checkQuote.js';
export { createSgxEvidenceProvider, type SgxEvidenceOptions } from './evidence/createSgxEvidenceProvider.js';
export {
  createSimEvidenceProvider,
  defaultSimMeasurement,
  type SimEvidenceOptions,
  type SimQuoteExtras,
} from './evidence/createSimEvidenceProvider.js';
export {
  createTdxEvidenceProvider,
  type TdxEvidenceOptions,
  TSM_REPORT_ROOT,
} from './evidence/createTdxEvidenceProvider.js';
export { type FileIo, nodeFileIo } from './evidence/fileIo.js';
export type { EvidenceKind, EvidenceProvider } from './evidence/types.js';
export { IDENTITY_FILE, type LoadedIdentity, loadOrCreateIdentity, type WorkerIdentity } from './identity.js';
export {
  createSgxSealingProvider,
  GRAMINE_ATTESTATION_ROOT,
  type SgxSealingOptions,
} from './sealing/createSgxSealingProvider.js';
export {
  createSimSealingProvider,
  SIM_MACHINE_SECRET_FILE,
  type SimSealingOptions,
} from './sealing/createSimSealingProvider.js';
export {
  createTdxSealingProvider,
  DEFAULT_TDX_SEALING_KEY_FILE,
  type TdxSealingOptions,
} from './sealing/createTdxSealingProvider.js';
export type { SealingKind, SealingProvider } from './sealing/types.js';
