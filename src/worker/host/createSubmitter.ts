// Signs calls as the operator account and submits them one at a time, each with the node's
// pool-aware next nonce (`system_accountNextIndex`: the account's nonce at the best block plus its
// transactions waiting in the pool). Calls go out back to back before a block includes the first (a
// gatekeeper provisions many workers per block), and the nonce of a transaction the pool dropped is
// simply taken again. Another submitter of the same operator (a second worker) may read the same
// nonce in the same instant: the pool then refuses one of the two, which asks again.

import { getNextNonce } from '../../client/getNextNonce.js';
import { submitExtrinsic } from '../../client/submitExtrinsic.js';
import type { RpcClient } from '../../client/types.js';
import { encodeAddress } from '../../codec/address.js';
import { type Call, signExtrinsic } from '../../codec/chain.js';
import { RpcError } from '../../codec/errors.js';
import type { Keypair } from '../../codec/keys.js';

export interface Submitter {
  readonly operator: Uint8Array;
  /** Signs `call` with the next nonce and submits it; resolves with the extrinsic hash. */
  submit(call: Call): Promise<Uint8Array>;
}

/** Refusals that mean "another transaction of this account took the nonce first": ask again. */
const NONCE_TAKEN = new Set(['NonceInPool', 'StaleNonce']);

export function createSubmitter(options: {
  client: RpcClient;
  operator: Keypair;
  genesisHash: Uint8Array;
  /** Tries per call when the nonce was taken meanwhile (default 5). */
  maxAttempts?: number;
}): Submitter {
  const { client, operator, genesisHash } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const address = encodeAddress(operator.publicKey);
  let queue = Promise.resolve();

  const submitOne = async (call: Call): Promise<Uint8Array> => {
    for (let attempt = 1; ; attempt++) {
      const nonce = await getNextNonce(client, address);
      const extrinsic = signExtrinsic({
        genesisHash,
        signerSeed: operator.secretSeed,
        signer: operator.publicKey,
        nonce,
        call,
      });
      try {
        return await submitExtrinsic(client, extrinsic);
      } catch (error) {
        if (!(error instanceof RpcError && NONCE_TAKEN.has(error.code)) || attempt >= maxAttempts)
          throw error;
      }
    }
  };

  return {
    operator: operator.publicKey,
    submit(call) {
      // One at a time: each call asks for its nonce after the previous one is in the pool.
      const result = queue.then(() => submitOne(call));
      queue = result.then(
        () => {},
        () => {},
      );
      return result;
    },
  };
}
