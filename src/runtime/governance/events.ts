import { defineEvents } from '../support/events.js';
import { GOVERNANCE, type GovernanceEventData, governanceEventCodecs } from './types.js';

export const GovernanceEvents = defineEvents<GovernanceEventData>(GOVERNANCE, governanceEventCodecs);
