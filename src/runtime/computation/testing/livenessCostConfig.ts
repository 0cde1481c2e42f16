// The liveness parameters of the cost test and the benchmark: ten challenges per block, a day of
// 6-second blocks as maxSilence (so that forced challenges, N / maxSilence per block by design, stay
// out of the blocks measured), the dev chain's per-block cap.
import type { ComputationGenesisConfig } from '../genesis.js';

export const LIVENESS_COST_CONFIG = {
  expectedHeartbeats: 10,
  maxChallengesPerHour: 600,
  maxSilence: 14_400,
  heartbeatWindow: 10,
  maxProcessPerBlock: 256,
} as const satisfies Partial<ComputationGenesisConfig>;
