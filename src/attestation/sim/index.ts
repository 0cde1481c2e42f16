// The simulated TEE (DESIGN.md section 6): insecure by construction, for development and tests.

export type {
  SimCollateral,
  SimMachine,
  SimMachineSpec,
  SimPki,
  SimPkiKeys,
  SimPkiNames,
  SimPkiOptions,
  SimTee,
} from './createSimPki.js';
export { createSimPki, SIM_ROOT_CA_NAME, toPem } from './createSimPki.js';
export type { SimQuote, SimQuoteRequest } from './createSimQuote.js';
export { createSimQuote } from './createSimQuote.js';
export { SimTeeError } from './errors.js';
export * from './simDefaults.js';
export type { SimPlatformTcb, SimTcbOutcome } from './simTcb.js';
export { platformTcbFor } from './simTcb.js';
