import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { toHex } from '../codec/bytes.js';
import { hashExtrinsic, hashHeader, signExtrinsic } from '../codec/chain.js';
import { RpcError } from '../codec/errors.js';
import { ed25519FromSeed } from '../codec/keys.js';
import { createRpcServer, type RpcServer } from '../node/rpc/createRpcServer.js';
import { createTestChain, type TestChain } from '../node/rpc/testing/createTestChain.js';
import { createHttpClient } from './createHttpClient.js';
import { discover } from './discover.js';
import { getBlock } from './getBlock.js';
import { getBlockHash } from './getBlockHash.js';
import { getChainInfo } from './getChainInfo.js';
import { getHeader } from './getHeader.js';
import { getHealth } from './getHealth.js';
import { getStorage } from './getStorage.js';
import { getStoragePage } from './getStoragePage.js';
import { BLOCK_RESPONSE_LIMITS, DEFAULT_MAX_RESPONSE_BYTES } from './maxResponseBytes.js';
import { submitExtrinsic } from './submitExtrinsic.js';
import type { RpcClient } from './types.js';

const seed = new Uint8Array(32).fill(4);
const extrinsic = (genesisHash: Uint8Array) =>
  signExtrinsic({
    genesisHash,
    signerSeed: seed,
    signer: ed25519FromSeed(seed).publicKey,
    nonce: 0,
    call: { module: 'system', call: 'remark', args: new Uint8Array([9]) },
  });

describe('createHttpClient', () => {
  let chain: TestChain;
  let server: RpcServer;
  let client: RpcClient;

  before(async () => {
    chain = createTestChain('client-test');
    server = await createRpcServer({ chain, port: 0 });
    client = createHttpClient(server.url);
  });
  after(() => server.close());

  it('reads the chain properties, head and health as bytes and numbers', async () => {
    const info = await getChainInfo(client);
    assert.equal(info.chain, 'client-test');
    assert.deepEqual(info.genesisHash, chain.genesisHash);
    const head = await getHeader(client);
    assert.deepEqual(head?.hash, chain.head().hash);
    assert.equal(typeof head?.signed.header.timestamp, 'bigint');
    assert.equal((await getHealth(client)).bestNumber, chain.head().signed.header.number);
  });

  it('submits an extrinsic and finds it in the block it was sealed into', async () => {
    const bytes = extrinsic(chain.genesisHash);
    const hash = await submitExtrinsic(client, bytes);
    assert.deepEqual(hash, hashExtrinsic(bytes));
    const sealed = chain.seal();
    const blockHash = await getBlockHash(client, sealed.header.number);
    assert.deepEqual(blockHash, hashHeader(sealed.header));
    const info = await getBlock(client, blockHash);
    assert.deepEqual(info?.block, sealed);
    assert.deepEqual(info?.extrinsics, [{ hash, outcome: { ok: true } }]);
    assert.equal(await getBlockHash(client, 10_000), undefined);
    assert.equal(await getBlock(client, new Uint8Array(32)), undefined);
  });

  it('exposes storage with its raw proof, and pages of entries', async () => {
    chain.storage.set('0xcafe01', new Uint8Array([7]));
    const storage = await getStorage(client, new Uint8Array([0xca, 0xfe, 0x01]));
    assert.deepEqual(storage?.value, new Uint8Array([7]));
    assert.ok(Array.isArray(storage?.proof));
    assert.equal((await getStorage(client, new Uint8Array([0xca, 0xfe, 0x02])))?.value, undefined);
    const page = await getStoragePage(client, new Uint8Array([0xca, 0xfe]), { limit: 10 });
    assert.deepEqual(page, [{ key: new Uint8Array([0xca, 0xfe, 0x01]), value: new Uint8Array([7]) }]);
  });

  it('lists every method through rpc.discover', async () => {
    const names = (await discover(client)).methods.map((m) => m.name);
    assert.ok(names.includes('chain_getBlock') && names.includes('rpc.discover'));
  });

  it('rejects with the RpcError the node sent, code and name intact', async () => {
    const error = await submitExtrinsic(client, new Uint8Array([1, 2])).catch((e: unknown) => e);
    assert.ok(error instanceof RpcError);
    assert.equal(error.rpcCode, 1010);
    assert.equal(error.code, 'MalformedExtrinsic');
    const unknown = await client.request('no_such').catch((e: unknown) => e);
    assert.ok(unknown instanceof RpcError);
    assert.equal(unknown.rpcCode, -32601);
    assert.equal(unknown.code, 'MethodNotFound');
  });

  it('fails clearly when no node listens at the URL', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const error = await getHealth(createHttpClient(`http://127.0.0.1:${port}`)).catch((e: unknown) => e);
    assert.ok(error instanceof RpcError);
    assert.equal(error.code, 'ConnectionFailed');
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  it('refuses a result that does not match the wire schema', async () => {
    const liar = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          result: { chain: 'x', genesisHash: 'nope', addressPrefix: 'phx' },
        }),
      );
    });
    liar.listen(0, '127.0.0.1');
    await once(liar, 'listening');
    const { port } = liar.address() as AddressInfo;
    try {
      const error = await getChainInfo(createHttpClient(`http://127.0.0.1:${port}`)).catch((e: unknown) => e);
      assert.ok(error instanceof RpcError);
      assert.equal(error.code, 'InvalidResponse');
      assert.match(error.message, /genesisHash/);
    } finally {
      await new Promise((resolve) => liar.close(resolve));
    }
  });

  it('sends hex the node accepts for every byte argument', async () => {
    assert.equal(toHex((await getHeader(client, chain.genesisHash))!.hash), toHex(chain.genesisHash));
  });
});

/** A node that answers every request with `handler`, on 127.0.0.1; `close` drops open connections. */
async function hostileNode(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('createHttpClient against a hostile node', () => {
  const KiB = 1024;
  const MiB = 1024 * KiB;

  it('aborts an endless answer past its cap with ResponseTooLarge, having read at most the cap and one chunk', async () => {
    const cap = 1 * MiB;
    const chunk = Buffer.alloc(64 * KiB, 0x20);
    // Endless as far as the client can tell; the bound only keeps a broken client from eating the machine.
    const safety = 64 * MiB;
    let sent = 0;
    let hungUp!: Promise<void>;
    const node = await hostileNode((_req, res) => {
      hungUp = new Promise((resolve) => res.once('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'application/json' });
      const pump = (): void => {
        while (sent < safety && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (sent >= safety) res.end();
      };
      pump();
    });
    try {
      const client = createHttpClient(node.url, { maxResponseBytes: cap, timeoutMs: 20_000 });
      const error = await client.request('system_health').catch((e: unknown) => e);
      assert.ok(error instanceof RpcError, String(error));
      assert.equal(error.code, 'ResponseTooLarge');
      assert.equal(error.details.limit, cap);
      const received = error.details.received as number;
      assert.ok(received > cap && received <= cap + chunk.length, `read ${received} bytes`);
      // The client hung up: the node could not push the rest of its answer.
      await hungUp;
      assert.ok(sent < safety, `the node sent ${sent} bytes`);
    } finally {
      await node.close();
    }
  });

  it('refuses an answer whose Content-Length passes the cap without reading its body', async () => {
    const node = await hostileNode((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(8 * MiB) });
      res.end(Buffer.alloc(8 * MiB, 0x20));
    });
    try {
      const client = createHttpClient(node.url, { maxResponseBytes: MiB });
      const error = await client.request('system_health').catch((e: unknown) => e);
      assert.ok(error instanceof RpcError, String(error));
      assert.equal(error.code, 'ResponseTooLarge');
      assert.equal(error.details.received, 0);
    } finally {
      await node.close();
    }
  });

  it('gives block answers room for a full block by default and caps every other answer at a few MiB', async () => {
    // A 5 MiB answer: above the default cap, below a block's.
    const big = 'a'.repeat(5 * MiB);
    assert.ok(big.length > DEFAULT_MAX_RESPONSE_BYTES && big.length < BLOCK_RESPONSE_LIMITS.chain_getBlock!);
    const node = await hostileNode((req, res) => {
      let body = '';
      req.on('data', (part) => {
        body += part;
      });
      req.on('end', () => {
        const { id } = JSON.parse(body) as { id: number };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id, result: big }));
      });
    });
    try {
      const client = createHttpClient(node.url);
      assert.equal(((await client.request('chain_getBlock')) as string).length, big.length);
      const error = await client.request('system_health').catch((e: unknown) => e);
      assert.ok(error instanceof RpcError, String(error));
      assert.equal(error.code, 'ResponseTooLarge');
    } finally {
      await node.close();
    }
  });

  it('gives up with Timeout on an answer that stops halfway', async () => {
    const node = await hostileNode((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"jsonrpc":"2.0",');
    });
    try {
      const client = createHttpClient(node.url, { timeoutMs: 200 });
      const error = await client.request('system_health').catch((e: unknown) => e);
      assert.ok(error instanceof RpcError, String(error));
      assert.equal(error.code, 'Timeout');
    } finally {
      await node.close();
    }
  });
});
