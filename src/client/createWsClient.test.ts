import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signExtrinsic } from '../codec/chain.js';
import { RpcError } from '../codec/errors.js';
import { ed25519FromSeed } from '../codec/keys.js';
import { createRpcServer, type RpcServer } from '../node/rpc/createRpcServer.js';
import { createTestChain, type TestChain } from '../node/rpc/testing/createTestChain.js';
import { createWsClient } from './createWsClient.js';
import type { HeadInfo } from './fromJson.js';
import { getChainInfo } from './getChainInfo.js';
import { submitExtrinsic } from './submitExtrinsic.js';
import { subscribeNewHeads } from './subscribeNewHeads.js';
import type { WsRpcClient } from './types.js';
import { waitForExtrinsic } from './waitForExtrinsic.js';

describe('createWsClient', () => {
  let chain: TestChain;
  let server: RpcServer;
  let client: WsRpcClient;

  before(async () => {
    chain = createTestChain('ws-test');
    server = await createRpcServer({ chain, port: 0 });
    client = await createWsClient(server.wsUrl);
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  it('makes ordinary requests over the socket', async () => {
    assert.equal((await getChainInfo(client)).chain, 'ws-test');
  });

  it('delivers new heads in order until unsubscribed', async () => {
    const heads: HeadInfo[] = [];
    let notify: () => void = () => {};
    const stop = await subscribeNewHeads(client, (head) => {
      heads.push(head);
      if (heads.length === 2) notify();
    });
    const two = new Promise<void>((resolve) => {
      notify = resolve;
    });
    const first = chain.seal();
    const second = chain.seal();
    await two;
    assert.deepEqual(
      heads.map((h) => h.signed.header.number),
      [first.header.number, second.header.number],
    );
    const listeners = chain.listenerCount();
    await stop();
    assert.equal(chain.listenerCount(), listeners - 1);
  });

  it('waits for an extrinsic to be included and reports its outcome', async () => {
    const seed = new Uint8Array(32).fill(5);
    const bytes = signExtrinsic({
      genesisHash: chain.genesisHash,
      signerSeed: seed,
      signer: ed25519FromSeed(seed).publicKey,
      nonce: 0,
      call: { module: 'system', call: 'remark', args: new Uint8Array() },
    });
    const fromNumber = chain.head().signed.header.number + 1;
    const hash = await submitExtrinsic(client, bytes);
    const waiting = waitForExtrinsic(client, hash, { fromNumber });
    chain.seal();
    const inclusion = await waiting;
    assert.equal(inclusion.blockNumber, fromNumber);
    assert.equal(inclusion.index, 0);
    assert.deepEqual(inclusion.outcome, { ok: true });
  });

  it('gives up with NotIncluded after the allowed number of blocks', async () => {
    const fromNumber = chain.head().signed.header.number + 1;
    const waiting = waitForExtrinsic(client, new Uint8Array(32).fill(1), { fromNumber, maxBlocks: 2 });
    chain.seal();
    chain.seal();
    const error = await waiting.catch((e: unknown) => e);
    assert.ok(error instanceof RpcError);
    assert.equal(error.code, 'NotIncluded');
  });

  it('rejects pending and later requests with ConnectionClosed when the node goes away', async () => {
    const own = await createRpcServer({ chain, port: 0 });
    const doomed = await createWsClient(own.wsUrl);
    const closed = new Promise<Error>((resolve) => doomed.onClose(resolve));
    await own.close();
    assert.equal(((await closed) as RpcError).code, 'ConnectionClosed');
    const error = await getChainInfo(doomed).catch((e: unknown) => e);
    assert.ok(error instanceof RpcError);
    assert.equal(error.code, 'ConnectionClosed');
  });

  it('fails clearly when nothing listens at the URL', async () => {
    const own = await createRpcServer({ chain, port: 0 });
    const url = own.wsUrl;
    await own.close();
    const error = await createWsClient(url).catch((e: unknown) => e);
    assert.ok(error instanceof RpcError);
    assert.equal(error.code, 'ConnectionFailed');
  });
});
