import { defineEvents } from '../support/events.js';
import { COMPUTATION, type ComputationEventData, computationEventCodecs } from './types.js';

export const ComputationEvents = defineEvents<ComputationEventData>(COMPUTATION, computationEventCodecs);
