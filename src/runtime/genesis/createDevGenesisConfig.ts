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
import { BLOCK_HASH_COUNT } from '../system/types.js';

export const DEV_CHAIN_NAME = 'Phalanx Development';
/** Each dev account starts with one million PHX. */
export const DEV_ENDOWMENT = 1_000_000n * UNIT;
export const DEV_FLAT_FEE = UNIT / 1000n;
export const DEV_EXISTENTIAL_DEPOSIT = UNIT / 100n;
export const DEV_MAX_EXTRINSIC_SIZE = 64 * 1024;

/** A dev registration lasts a day; recentBlock may be as old as system keeps hashes for (256 blocks). */
export const DEV_ATTESTATION_VALIDITY_MS = 24 * 3600 * 1000;
export const DEV_MAX_EVIDENCE_AGE_BLOCKS = BLOCK_HASH_COUNT;

export interface DevGenesisOptions {
  chainName?: string;
  /**
   * DER of INSECURE sim root CAs (src/attestation/sim) the dev chain trusts besides Intel's roots.
   * Only development chains may name one (DESIGN.md section 6).
   */
  simRoots?: readonly Uint8Array[];
  /**
   * The block time the chain will run at (default: the test chain's 6 s). The liveness parameters
   * follow it: each worker challenged about every DEV_CHALLENGE_EVERY blocks.
   */
  blockTimeMs?: number;
  /** Block authorities' public keys (default: alice alone); `phalanx devnet --nodes N` names one per node. */
  authorities?: readonly Uint8Array[];
}

/** A dev stake: what `phalanx devnet` bonds behind each worker is a few of these. */
export const DEV_MIN_STAKE = 1000n * UNIT;
/** Blocks between a dev worker's challenges, about (DESIGN.md section 7; issue 9's devnet). */
export const DEV_CHALLENGE_EVERY = 20;
/** Blocks a dev worker has to answer: long enough that a healthy devnet never misses. */
export const DEV_HEARTBEAT_WINDOW = 10;
/** Blocks the outage guard looks back over, and a slash waits before it is decided. */
export const DEV_OUTAGE_WINDOW = 40;

export function createDevGenesisConfig(options: DevGenesisOptions = {}): GenesisConfig {
  const alice = encodeAddress(devKeypair('alice').publicKey);
  return {
    system: {
      chainName: options.chainName ?? DEV_CHAIN_NAME,
      authorities: options.authorities?.map((key) => encodeAddress(key)) ?? [alice],
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
    staking: { minStake: DEV_MIN_STAKE.toString(), unbondingBlocks: 20 },
    computation: {
      // One challenge per block among all workers, each worker at most once per ~20 blocks.
      expectedHeartbeats: 1,
      maxChallengesPerHour: Math.max(
        1,
        Math.floor(3_600_000 / (DEV_CHALLENGE_EVERY * (options.blockTimeMs ?? 6000))),
      ),
      maxSilence: 2 * DEV_CHALLENGE_EVERY,
      heartbeatWindow: DEV_HEARTBEAT_WINDOW,
      slashPpm: 100_000,
      ownerSharePpm: 500_000,
      maxStrikes: 5,
      // A dev network's workers mostly share one operator: one frozen worker is its own fault. The
      // window is also how long a slash waits to be decided (detectMisses.ts).
      outageSharePpm: 500_000,
      outageWindow: DEV_OUTAGE_WINDOW,
      outageMinOperators: 2,
      cooldownBlocks: 20,
      rewardPerBlock: UNIT.toString(),
      maxProcessPerBlock: 256,
    },
    contracts: { deposit: (10n * UNIT).toString(), maxReplicas: 8, maxContractsPerWorker: 16 },
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
