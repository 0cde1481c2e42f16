// Read-only views of governance storage.
import type { StateReader } from '../api.js';
import { SudoKey } from './storage.js';

export function readSudoKey(state: StateReader): Uint8Array | undefined {
  return SudoKey.get(state);
}
