// The host following a chain across an authority change (system.setAuthorities), against a real
// in-process node behind its RPC server on 127.0.0.1, whose blocks the test seals one by one with
// the key it chooses. A node that lies is this node behind a client that swaps one answer.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SIM_DEFAULT_MRENCLAVE } from '../../attestation/sim/simDefaults.js';
import { createHttpClient } from '../../client/createHttpClient.js';
import type { RpcClient } from '../../client/types.js';
import { toHex } from '../../codec/bytes.js';
import { BlockCodec, hashHeader, signExtrinsic, signHeader } from '../../codec/chain.js';
import { devKeypair } from '../../codec/devKeys.js';
import type { Keypair } from '../../codec/keys.js';
import { createRpcServer } from '../../node/rpc/createRpcServer.js';
import { makeTempDir, openTestNode } from '../../node/testing/nodeFixture.js';
import { governanceCalls } from '../../runtime/governance/types.js';
import { systemCalls } from '../../runtime/system/types.js';
import { createCheckpointStore } from '../enclave/createCheckpointStore.js';
import { type LightClient, resumeLightClient } from '../enclave/lightClient.js';
import { createSimSealingProvider } from '../enclave/sealing/createSimSealingProvider.js';
import { bootstrapLightClient, syncLightClient } from './followChain.js';

const alice = devKeypair('alice');
const bob = devKeypair('bob');
const root = mkdtempSync(join(tmpdir(), 'phalanx-follow-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A node sealed by hand; `client` counts the requests it sends by method. */
async function openChain() {
  const dir = makeTempDir();
  const node = openTestNode(dir.path);
  const server = await createRpcServer({ chain: node, host: '127.0.0.1', port: 0 });
  const http = createHttpClient(server.url);
  const requests = new Map<string, number>();
  const client: RpcClient = {
    url: http.url,
    request: (method, params) => {
      requests.set(method, (requests.get(method) ?? 0) + 1);
      return http.request(method, params);
    },
    close: () => http.close(),
  };
  let nonce = 0;
  return {
    node,
    client,
    requests,
    seal(key: Keypair): void {
      node.chain.commitBlock(node.chain.buildBlock(key.secretSeed));
    },
    /** Queues `governance.sudo(system.setAuthorities(keys))` signed by alice, the dev sudo key. */
    setAuthorities(keys: Keypair[]): void {
      node.chain.pool.submit(
        signExtrinsic({
          genesisHash: node.chain.genesisHash,
          signerSeed: alice.secretSeed,
          signer: alice.publicKey,
          nonce: nonce++,
          call: governanceCalls.sudo(systemCalls.setAuthorities(keys.map((key) => key.publicKey))),
        }),
      );
    },
    async close() {
      await client.close();
      await server.close();
      await node.stop();
      dir.remove();
    },
  };
}

/** Imports the node's blocks `from..to` into `lightClient` without any authority proof. */
async function importBare(
  chain: Awaited<ReturnType<typeof openChain>>,
  lightClient: LightClient,
  to: number,
) {
  for (let n = lightClient.head().header.number + 1; n <= to; n++) {
    lightClient.importHeader(chain.node.getBlock(chain.node.getBlockHash(n)!)!);
  }
}

describe('syncLightClient across an authority change', { concurrency: false }, () => {
  it('adopts the new set at the block that made the change, asking one proof for it and none for other blocks', async () => {
    const chain = await openChain();
    try {
      chain.seal(alice);
      const lightClient = await bootstrapLightClient(chain.client, chain.node.genesisHash);
      await syncLightClient(chain.client, lightClient);
      const proofsBefore = chain.requests.get('state_getStorage') ?? 0;

      chain.setAuthorities([bob]);
      chain.seal(alice); // block 2 makes the change, checked against the old set
      chain.seal(bob); // block 3, by the new authority
      chain.seal(bob);
      const seen: [number, string[]][] = [];
      const sync = await syncLightClient(chain.client, lightClient, (block) => {
        seen.push([block.header.number, lightClient.authorities().map(toHex)]);
      });
      assert.deepEqual(sync, { imported: 3, caughtUp: true });
      assert.deepEqual(seen, [
        [2, [toHex(bob.publicKey)]],
        [3, [toHex(bob.publicKey)]],
        [4, [toHex(bob.publicKey)]],
      ]);
      assert.equal((chain.requests.get('state_getStorage') ?? 0) - proofsBefore, 1);
    } finally {
      await chain.close();
    }
  });

  it('refuses a block sealed by the removed authority after the change, which a client told nothing would take', async () => {
    const chain = await openChain();
    try {
      chain.setAuthorities([bob]);
      chain.seal(alice);
      chain.seal(bob);
      // The node swaps block 2 for one alice signed: the same block, but her key and signature.
      const real = chain.node.getBlock(chain.node.getBlockHash(2)!)!;
      const header = { ...real.header, author: alice.publicKey };
      const forged = { ...real, header, signature: signHeader(header, alice.secretSeed) };
      const lying: RpcClient = {
        ...chain.client,
        request: async (method, params) => {
          const answer = await chain.client.request(method, params);
          if (
            method !== 'chain_getBlock' ||
            (answer as { block?: string } | null)?.block !== toHex(BlockCodec.enc(real))
          )
            return answer;
          return {
            ...(answer as object),
            hash: toHex(hashHeader(header)),
            block: toHex(BlockCodec.enc(forged)),
          };
        },
      };
      const followed = await bootstrapLightClient(chain.client, chain.node.genesisHash);
      await assert.rejects(syncLightClient(lying, followed), {
        name: 'LightClientError',
        code: 'UnknownAuthor',
      });
      assert.equal(followed.head().header.number, 1);
      assert.deepEqual(followed.authorities(), [bob.publicKey]);

      // Without the proof at block 1 the light client still trusts alice: the gap (a) closes.
      const untold = await bootstrapLightClient(chain.client, chain.node.genesisHash);
      await importBare(chain, untold, 1);
      untold.importHeader(forged);
      assert.equal(untold.head().header.number, 2);
    } finally {
      await chain.close();
    }
  });

  it('falls back to a proof at the parent for an author it does not know, when it missed the change', async () => {
    const chain = await openChain();
    try {
      chain.setAuthorities([alice, bob]);
      chain.seal(alice);
      chain.seal(alice);
      chain.seal(bob);
      const lightClient = await bootstrapLightClient(chain.client, chain.node.genesisHash);
      await importBare(chain, lightClient, 2); // as a host that withheld the proof at block 1
      assert.deepEqual(lightClient.authorities(), [alice.publicKey]);
      assert.deepEqual(await syncLightClient(chain.client, lightClient), { imported: 1, caughtUp: true });
      assert.deepEqual(lightClient.authorities(), [alice.publicKey, bob.publicKey]);
    } finally {
      await chain.close();
    }
  });

  it('seals the adopted set in its checkpoint, and a restarted worker follows the new authority from it', async () => {
    const chain = await openChain();
    try {
      chain.setAuthorities([bob]);
      chain.seal(alice);
      const lightClient = await bootstrapLightClient(chain.client, chain.node.genesisHash);
      await syncLightClient(chain.client, lightClient);
      const machineDir = join(root, 'machine');
      const store = () =>
        createCheckpointStore({
          dataDir: join(root, 'worker'),
          sealing: createSimSealingProvider({ machineDir, measurement: SIM_DEFAULT_MRENCLAVE }),
        });
      store().save(lightClient.checkpoint());

      chain.seal(bob);
      chain.seal(bob);
      const resumed = resumeLightClient(store().load(chain.node.genesisHash)!.lightClient);
      assert.deepEqual(resumed.authorities(), [bob.publicKey]);
      const proofsBefore = chain.requests.get('state_getStorage') ?? 0;
      assert.deepEqual(await syncLightClient(chain.client, resumed), { imported: 2, caughtUp: true });
      assert.equal(chain.requests.get('state_getStorage') ?? 0, proofsBefore, 'no proof needed: it knew bob');
    } finally {
      await chain.close();
    }
  });
});
