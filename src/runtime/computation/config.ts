// Reading and checking the liveness parameters.
import type { StateReader } from '../api.js';
import { Config } from './storage.js';
import type { ComputationConfig } from './types.js';

/** Upper bounds that keep a block's liveness work and the outage window's state bounded. */
export const MAX_OUTAGE_WINDOW = 100_000;
export const MAX_PROCESS_PER_BLOCK = 10_000;
const PPM = 1_000_000;

export function readComputationConfig(state: StateReader): ComputationConfig {
  const config = Config.get(state);
  // Genesis always writes it: a state without it is not a Phalanx state.
  if (config === undefined) throw new Error(`${Config.name} missing from state`);
  return config;
}

/** Why `config` is unacceptable, or undefined if it is fine. */
export function findConfigProblem(config: ComputationConfig): string | undefined {
  if (config.heartbeatWindow < 1) return 'heartbeatWindow must be at least 1';
  if (config.maxSilence <= config.heartbeatWindow) return 'maxSilence must exceed heartbeatWindow';
  if (config.maxChallengesPerHour < 1) return 'maxChallengesPerHour must be at least 1';
  if (config.slashPpm > PPM || config.ownerSharePpm > PPM || config.outageSharePpm > PPM)
    return 'shares are parts per million, at most 1000000';
  if (config.maxStrikes < 1) return 'maxStrikes must be at least 1';
  if (config.outageWindow < 1 || config.outageWindow > MAX_OUTAGE_WINDOW)
    return `outageWindow must be within 1..${MAX_OUTAGE_WINDOW}`;
  if (config.maxProcessPerBlock < 16 || config.maxProcessPerBlock > MAX_PROCESS_PER_BLOCK)
    return `maxProcessPerBlock must be within 16..${MAX_PROCESS_PER_BLOCK}`;
  return undefined;
}

export function ppmOf(amount: bigint, ppm: number): bigint {
  return (amount * BigInt(ppm)) / BigInt(PPM);
}
