import { defineEvents } from '../support/events.js';
import { SYSTEM, type SystemEventData, systemEventCodecs } from './types.js';

export const SystemEvents = defineEvents<SystemEventData>(SYSTEM, systemEventCodecs);
