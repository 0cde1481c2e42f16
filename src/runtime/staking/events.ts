import { defineEvents } from '../support/events.js';
import { STAKING, type StakingEventData, stakingEventCodecs } from './types.js';

export const StakingEvents = defineEvents<StakingEventData>(STAKING, stakingEventCodecs);
