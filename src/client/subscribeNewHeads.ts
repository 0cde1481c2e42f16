import { SignedHeaderJsonSchema } from '../codec/rpcWire.js';
import { type HeadInfo, signedHeaderFromJson } from './fromJson.js';
import type { WsRpcClient } from './types.js';

/**
 * Calls `onHead` for each new best block. Resolves with a function that ends the subscription. A
 * notification of the wrong shape goes to `onError` (default: dropped) rather than to `onHead`.
 */
export function subscribeNewHeads(
  client: WsRpcClient,
  onHead: (head: HeadInfo) => void,
  onError: (error: Error) => void = () => {},
): Promise<() => Promise<void>> {
  return client.subscribe('newHeads', (result) => {
    const parsed = SignedHeaderJsonSchema.safeParse(result);
    if (parsed.success) onHead(signedHeaderFromJson(parsed.data));
    else onError(new Error(`chain_newHead: malformed notification (${parsed.error.issues[0]?.message})`));
  });
}
