// contracts queries, for RPC handlers and tests.
import type { StateReader } from '../api.js';
import { Assignments, Contracts, WorkerContracts } from './storage.js';
import type { Contract } from './types.js';

export function getContract(state: StateReader, id: number): Contract | undefined {
  return Contracts.get(state, id);
}

export function getAssignments(state: StateReader, id: number): Uint8Array[] {
  return Assignments.get(state, id) ?? [];
}

export function getWorkerContracts(state: StateReader, worker: Uint8Array): number[] {
  return WorkerContracts.get(state, worker) ?? [];
}
