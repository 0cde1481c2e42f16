// The devnet's governance and progress reports, driven by new blocks: once the gatekeeper process has
// registered (it is the worker whose operator is the devnet's gatekeeper operator), the sudo key adds
// it to the gatekeeper set; and the devnet says when every worker is Provisioned. Everything goes
// through the node's public RPC, as an operator's script would.
import { createHttpClient } from '../client/createHttpClient.js';
import { getAccount } from '../client/getAccount.js';
import { getChainInfo } from '../client/getChainInfo.js';
import { getGatekeepers } from '../client/getGatekeepers.js';
import { listWorkers } from '../client/listWorkers.js';
import { submitExtrinsic } from '../client/submitExtrinsic.js';
import { encodeAddress } from '../codec/address.js';
import { hexToBytes, toHex } from '../codec/bytes.js';
import { signExtrinsic } from '../codec/chain.js';
import type { Keypair } from '../codec/keys.js';
import { gatekeeperCalls } from '../runtime/gatekeeper/types.js';
import { governanceCalls } from '../runtime/governance/types.js';

/** A sudo call not in the gatekeeper set this many blocks later is submitted again. */
const RESUBMIT_AFTER_BLOCKS = 10;

export interface DevnetWatchOptions {
  rpcUrl: string;
  sudo: Keypair;
  /** Operator account of the gatekeeper process; undefined: no gatekeeper to appoint. */
  gatekeeperOperator: Uint8Array | undefined;
  /** Workers (gatekeeper included) expected to end up Provisioned. */
  expectedWorkers: number;
  report: (line: string) => void;
  onError: (error: unknown) => void;
}

export interface DevnetWatch {
  /** Call on every new block (number); checks run one at a time, skipping blocks while busy. */
  onHead(number: number): void;
  stop(): Promise<void>;
}

export function watchDevnetWorkers(options: DevnetWatchOptions): DevnetWatch {
  const client = createHttpClient(options.rpcUrl);
  const operatorAddress = options.gatekeeperOperator && encodeAddress(options.gatekeeperOperator);
  let appointed = options.gatekeeperOperator === undefined;
  let submittedAt: number | undefined;
  let provisionedReported = false;
  let busy: Promise<void> | undefined;
  let stopped = false;

  async function appoint(head: number): Promise<void> {
    const workers = await listWorkers(client);
    const gatekeeper = workers.find((w) => w.operator === operatorAddress && w.state !== 'Expired');
    if (!gatekeeper) return; // not registered yet
    const set = await getGatekeepers(client);
    if (set.gatekeepers.some((g) => toHex(g) === gatekeeper.pubkey)) {
      appointed = true;
      options.report(`gatekeeper ${gatekeeper.pubkey} is in the gatekeeper set`);
      return;
    }
    if (submittedAt !== undefined && head - submittedAt < RESUBMIT_AFTER_BLOCKS) return;
    const [{ genesisHash }, account] = await Promise.all([
      getChainInfo(client),
      getAccount(client, encodeAddress(options.sudo.publicKey)),
    ]);
    const extrinsic = signExtrinsic({
      genesisHash,
      signerSeed: options.sudo.secretSeed,
      signer: options.sudo.publicKey,
      nonce: account.nonce,
      call: governanceCalls.sudo(gatekeeperCalls.addGatekeeper(hexToBytes(gatekeeper.pubkey))),
    });
    await submitExtrinsic(client, extrinsic);
    submittedAt = head;
    options.report(`sudo: adding gatekeeper ${gatekeeper.pubkey}`);
  }

  async function check(head: number): Promise<void> {
    if (!appointed) await appoint(head);
    if (provisionedReported || options.expectedWorkers === 0) return;
    const workers = await listWorkers(client);
    const provisioned = workers.filter((w) => w.state === 'Provisioned').length;
    if (provisioned >= options.expectedWorkers) {
      provisionedReported = true;
      options.report(`all ${provisioned} workers are Provisioned (block #${head})`);
    }
  }

  return {
    onHead(number) {
      if (stopped || busy || (appointed && provisionedReported)) return;
      busy = check(number)
        .catch((error: unknown) => {
          if (!stopped) options.onError(error);
        })
        .finally(() => {
          busy = undefined;
        });
    },
    async stop() {
      stopped = true;
      await busy;
      await client.close();
    },
  };
}
