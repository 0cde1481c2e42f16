// Signs calls as the operator account and submits them, keeping its own next nonce so that several
// calls can go out before a block includes the first (a gatekeeper provisions many workers per block).
// The node's account nonce wins whenever it moves past ours; a local nonce left ahead by a dropped
// transaction is forgotten after `resetAfterMs` without progress.

import { getAccount } from '../../client/getAccount.js';
import { submitExtrinsic } from '../../client/submitExtrinsic.js';
import type { RpcClient } from '../../client/types.js';
import { encodeAddress } from '../../codec/address.js';
import { type Call, signExtrinsic } from '../../codec/chain.js';
import type { Keypair } from '../../codec/keys.js';

export interface Submitter {
  readonly operator: Uint8Array;
  /** Signs `call` with the next nonce and submits it; resolves with the extrinsic hash. */
  submit(call: Call): Promise<Uint8Array>;
}

export function createSubmitter(options: {
  client: RpcClient;
  operator: Keypair;
  genesisHash: Uint8Array;
  now?: () => number;
  resetAfterMs?: number;
}): Submitter {
  const { client, operator, genesisHash } = options;
  const now = options.now ?? Date.now;
  const resetAfterMs = options.resetAfterMs ?? 30_000;
  const address = encodeAddress(operator.publicKey);
  let localNext = 0;
  let lastSubmitAt = 0;
  let queue = Promise.resolve();

  const submitOne = async (call: Call): Promise<Uint8Array> => {
    const account = await getAccount(client, address);
    if (account.nonce >= localNext || now() - lastSubmitAt > resetAfterMs) localNext = account.nonce;
    const nonce = localNext;
    const extrinsic = signExtrinsic({
      genesisHash,
      signerSeed: operator.secretSeed,
      signer: operator.publicKey,
      nonce,
      call,
    });
    const hash = await submitExtrinsic(client, extrinsic);
    localNext = nonce + 1;
    lastSubmitAt = now();
    return hash;
  };

  return {
    operator: operator.publicKey,
    submit(call) {
      // One at a time: nonces are handed out in submission order.
      const result = queue.then(() => submitOne(call));
      queue = result.then(
        () => {},
        () => {},
      );
      return result;
    },
  };
}
