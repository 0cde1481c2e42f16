// Reading and checking the chain parameters. They are read several times per extrinsic, so the
// decoded value is memoised by the identity of the stored bytes (a new write is a new array).
import type { StateReader } from '../api.js';
import { Parameters } from './storage.js';
import { MAX_EXTRINSIC_SIZE, MIN_EXTRINSIC_SIZE, type Parameters as ParametersValue } from './types.js';

const decoded = new WeakMap<Uint8Array, ParametersValue>();

export function readParameters(state: StateReader): ParametersValue {
  const bytes = state.get(Parameters.key);
  // Genesis always writes them: a state without them is not a Phalanx state at all.
  if (bytes === undefined) throw new Error(`${Parameters.name} missing from state`);
  let value = decoded.get(bytes);
  if (!value) {
    value = Object.freeze(Parameters.get(state)!);
    decoded.set(bytes, value);
  }
  return value;
}

/** Why `parameters` are unacceptable, or undefined if they are fine. */
export function findParameterProblem(parameters: ParametersValue): string | undefined {
  if (parameters.existentialDeposit < 1n) return 'existentialDeposit must be at least 1';
  if (parameters.maxExtrinsicSize < MIN_EXTRINSIC_SIZE || parameters.maxExtrinsicSize > MAX_EXTRINSIC_SIZE) {
    return `maxExtrinsicSize must be within ${MIN_EXTRINSIC_SIZE}..${MAX_EXTRINSIC_SIZE}`;
  }
  return undefined;
}
