import { defineEvents } from '../support/events.js';
import { CONTRACTS, type ContractsEventData, contractsEventCodecs } from './types.js';

export const ContractsEvents = defineEvents<ContractsEventData>(CONTRACTS, contractsEventCodecs);
