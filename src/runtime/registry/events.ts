import { defineEvents } from '../support/events.js';
import { REGISTRY, type RegistryEventData, registryEventCodecs } from './types.js';

export const RegistryEvents = defineEvents<RegistryEventData>(REGISTRY, registryEventCodecs);
