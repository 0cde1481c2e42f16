// The RPC handler over the real node core and runtime, for the methods whose answers come from the
// runtime. The node is created but never started, so no timer seals blocks: it answers at genesis.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { createDevGenesisConfig, DEV_ENDOWMENT } from '../../runtime/index.js';
import { createNode, type Node } from '../createNode.js';
import { createDefaultNodeRuntime } from '../nodeRuntime.js';
import { transfer } from '../testing/nodeFixture.js';
import { handleRpc } from './handleRpc.js';

describe('handleRpc over the real node', () => {
  let dir: string;
  let node: Node;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phalanx-rpc-node-'));
    node = createNode({
      dataDir: dir,
      genesis: createDevGenesisConfig(),
      role: { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
      blockIntervalMs: 60_000,
      runtime: createDefaultNodeRuntime(),
    });
  });
  after(async () => {
    await node.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function call(method: string, params: unknown[]) {
    const text = await handleRpc(node, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }), {
      maxBatch: 10,
    });
    return JSON.parse(text!) as {
      // biome-ignore lint/suspicious/noExplicitAny: results are inspected as loose JSON
      result?: any;
      error?: { code: number; message: string; data?: { code: string } };
    };
  }

  it('reads a funded development account through the runtime’s own query', async () => {
    const alice = encodeAddress(devKeypair('alice').publicKey);
    const { result } = await call('balances_getAccount', [alice]);
    assert.deepEqual(result, { address: alice, nonce: 0, free: DEV_ENDOWMENT.toString(), reserved: '0' });
  });

  it('reads an account the chain has never seen as zero', async () => {
    const nobody = encodeAddress(new Uint8Array(32).fill(42));
    const { result } = await call('balances_getAccount', [nobody]);
    assert.deepEqual(result, { address: nobody, nonce: 0, free: '0', reserved: '0' });
  });

  it("gives the next nonce after the account's extrinsics waiting in the pool, where balances_getAccount does not", async () => {
    const charlie = encodeAddress(devKeypair('charlie').publicKey);
    assert.equal((await call('system_accountNextIndex', [charlie])).result, 0);
    for (const nonce of [0, 1]) {
      const { error } = await call('author_submitExtrinsic', [
        toHex(transfer(node.genesisHash, 'charlie', 'dave', 1_000n, nonce)),
      ]);
      assert.equal(error, undefined);
    }
    assert.equal((await call('system_accountNextIndex', [charlie])).result, 2);
    assert.equal((await call('balances_getAccount', [charlie])).result.nonce, 0, 'the state is unchanged');
    const refused = await call('system_accountNextIndex', ['phx1nope']);
    assert.equal(refused.error?.code, -32602);
  });

  it('names the invalid-transaction code when the pool refuses an extrinsic', async () => {
    const { error } = await call('author_submitExtrinsic', ['0x00ff']);
    assert.ok(error);
    assert.equal(error.data?.code, 'MalformedExtrinsic');
  });

  it('serves the genesis block and the chain properties of the dev chain', async () => {
    const properties = (await call('system_properties', [])).result as { chain: string; genesisHash: string };
    assert.equal(properties.chain, node.chainName);
    const genesis = (await call('chain_getBlockHash', [0])).result;
    assert.equal(genesis, properties.genesisHash);
  });
});
