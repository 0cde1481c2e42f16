import { defineEvents } from '../support/events.js';
import { GATEKEEPER, type GatekeeperEventData, gatekeeperEventCodecs } from './types.js';

export const GatekeeperEvents = defineEvents<GatekeeperEventData>(GATEKEEPER, gatekeeperEventCodecs);
