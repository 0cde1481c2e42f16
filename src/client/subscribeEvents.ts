import { BlockEventsJsonSchema } from '../codec/rpcWire.js';
import { type BlockEvents, blockEventsFromJson } from './fromJson.js';
import type { WsRpcClient } from './types.js';

/** Calls `onEvents` with each new block's events. Resolves with a function that ends the subscription. */
export function subscribeEvents(
  client: WsRpcClient,
  onEvents: (events: BlockEvents) => void,
  onError: (error: Error) => void = () => {},
): Promise<() => Promise<void>> {
  return client.subscribe('events', (result) => {
    const parsed = BlockEventsJsonSchema.safeParse(result);
    if (parsed.success) onEvents(blockEventsFromJson(parsed.data));
    else onError(new Error(`chain_events: malformed notification (${parsed.error.issues[0]?.message})`));
  });
}
