// The development chain's genesis: the well-known dev accounts funded, alice as sudo key and sole
// authority. Anyone can sign as a dev account (their seeds derive from their names), so this config
// is for devnets and tests only.
import { INTEL_IAS_SIGNING_CA_DER, INTEL_SGX_ROOT_CA_DER } from '../../attestation/roots/intelRoots.js';
import { SIM_DEFAULT_MRENCLAVE, SIM_DEFAULT_MRTD } from '../../attestation/sim/simDefaults.js';
import { encodeAddress } from '../../codec/address.js';
import { bytesToHex } from '../../codec/bytes.js';
import { DEV_ACCOUNT_NAMES, devKeypair } from '../../codec/devKeys.js';
import { UNIT } from '../balances/types.js';
import type { GenesisConfig } from '../modules.js';

export const DEV_CHAIN_NAME = 'Phalanx Development';
/** Each dev account starts with one million PHX. */
export const DEV_ENDOWMENT = 1_000_000n * UNIT;
export const DEV_FLAT_FEE = UNIT / 1000n;
export const DEV_EXISTENTIAL_DEPOSIT = UNIT / 100n;
export const DEV_MAX_EXTRINSIC_SIZE = 64 * 1024;

/** A dev registration lasts a day; recentBlock may be 600 blocks old. */
export const DEV_ATTESTATION_VALIDITY_MS = 24 * 3600 * 1000;
export const DEV_MAX_EVIDENCE_AGE_BLOCKS = 600;

export interface DevGenesisOptions {
  chainName?: string;
  /**
   * DER of INSECURE sim root CAs (src/attestation/sim) the dev chain trusts besides Intel's roots.
   * Only development chains may name one (DESIGN.md section 6).
   */
  simRoots?: readonly Uint8Array[];
}

export function createDevGenesisConfig(options: DevGenesisOptions = {}): GenesisConfig {
  const alice = encodeAddress(devKeypair('alice').publicKey);
  return {
    system: {
      chainName: options.chainName ?? DEV_CHAIN_NAME,
      authorities: [alice],
      parameters: {
        flatFee: DEV_FLAT_FEE.toString(),
        existentialDeposit: DEV_EXISTENTIAL_DEPOSIT.toString(),
        maxExtrinsicSize: DEV_MAX_EXTRINSIC_SIZE,
      },
    },
    balances: {
      accounts: DEV_ACCOUNT_NAMES.map((name) => ({
        account: encodeAddress(devKeypair(name).publicKey),
        free: DEV_ENDOWMENT.toString(),
      })),
    },
    governance: { sudoKey: alice },
    registry: {
      policy: {
        trustedRoots: [INTEL_SGX_ROOT_CA_DER, INTEL_IAS_SIGNING_CA_DER, ...(options.simRoots ?? [])].map(
          bytesToHex,
        ),
        // The sim worker's default measurements: a dev chain admits the sim worker build.
        measurementAllowlist: [
          { tee: 'sgx', mrEnclave: bytesToHex(SIM_DEFAULT_MRENCLAVE) },
          { tee: 'tdx', mrTd: bytesToHex(SIM_DEFAULT_MRTD) },
        ],
        acceptedTcbStatuses: ['UpToDate', 'SWHardeningNeeded'],
        acceptedQuoteStatuses: ['OK', 'SW_HARDENING_NEEDED'],
        allowDebug: false,
        requireSeptVeDisable: true,
        maxEvidenceAgeBlocks: DEV_MAX_EVIDENCE_AGE_BLOCKS,
        attestationValidityMs: DEV_ATTESTATION_VALIDITY_MS,
        maxIasReportAgeMs: DEV_ATTESTATION_VALIDITY_MS,
      },
    },
  };
}
