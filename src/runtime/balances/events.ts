import { defineEvents } from '../support/events.js';
import { BALANCES, type BalancesEventData, balancesEventCodecs } from './types.js';

export const BalancesEvents = defineEvents<BalancesEventData>(BALANCES, balancesEventCodecs);
