// Read-only views of governance storage.
import type { StateReader } from '../api.js';
import { SudoKey } from './storage.js';

export function getSudoKey(state: StateReader): Uint8Array | undefined {
  return SudoKey.get(state);
}
