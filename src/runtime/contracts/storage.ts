// contracts storage. Keys: `contracts/<Item>/<SCALE key>`.
import { PublicKey32, Struct, u32, Vector } from '../../codec/scale.js';
import { createDeadlineQueue } from '../support/deadlineQueue.js';
import { storageMap, storageValue } from '../support/storage.js';
import { CONTRACTS, ContractCodec, ContractsConfigCodec } from './types.js';

export const Config = storageValue(CONTRACTS, 'ContractsConfig', ContractsConfigCodec);
/** Deployed contracts by id. */
export const Contracts = storageMap(CONTRACTS, 'Contracts', u32, ContractCodec);
export const NextContractId = storageValue(CONTRACTS, 'NextContractId', u32);
/** The workers holding each contract (at most its replicas). */
export const Assignments = storageMap(CONTRACTS, 'Assignments', u32, Vector(PublicKey32));
/** The contracts each worker holds (at most maxContractsPerWorker). */
export const WorkerContracts = storageMap(CONTRACTS, 'WorkerContracts', PublicKey32, Vector(u32));
/** Contracts short of replicas, by the block at which to try again (each filed once: ShortContracts). */
export const Understaffed = createDeadlineQueue(CONTRACTS, 'Understaffed', u32);
/** The contracts filed in Understaffed, with the block they were filed at. */
export const ShortContracts = storageMap(CONTRACTS, 'ShortContracts', u32, u32);
/**
 * The contracts a worker held when it missed at `block`, kept until the computation module decides
 * that miss's slash (outageWindow later) so that the owners' share reaches their owners.
 */
export const HeldAtMiss = storageMap(
  CONTRACTS,
  'HeldAtMiss',
  Struct({ worker: PublicKey32, block: u32 }),
  Vector(u32),
);
