import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAddress } from '../../codec/address.js';
import { hexToBytes, toHex } from '../../codec/bytes.js';
import { BlockCodec, hashHeader, signExtrinsic } from '../../codec/chain.js';
import { RpcError } from '../../codec/errors.js';
import { ed25519FromSeed } from '../../codec/keys.js';
import { decodeExact } from '../../codec/scale.js';
import type { ChainService } from '../chainService.js';
import { handleRpc, type RpcContext } from './handleRpc.js';
import { defaultRpcMethods } from './rpcMethods.js';
import { createTestChain, type TestChain } from './testing/createTestChain.js';

const ctx: RpcContext = { maxBatch: 10 };

// biome-ignore lint/suspicious/noExplicitAny: responses are inspected as loose JSON
async function call(chain: ChainService, body: unknown, context = ctx): Promise<any> {
  const text = await handleRpc(chain, typeof body === 'string' ? body : JSON.stringify(body), context);
  return text === undefined ? undefined : JSON.parse(text);
}

function request(method: string, params?: unknown, id: number | string = 1) {
  return params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params };
}

function extrinsic(nonce = 0): Uint8Array {
  const signerSeed = new Uint8Array(32).fill(3);
  return signExtrinsic({
    genesisHash: new Uint8Array(32),
    signerSeed,
    signer: ed25519FromSeed(signerSeed).publicKey,
    nonce,
    call: { module: 'balances', call: 'transfer', args: new Uint8Array([1, 2, 3]) },
  });
}

/** Seals a block holding one extrinsic of about `bytes` bytes; returns its hash as hex. */
function bigBlock(chain: TestChain, bytes: number): string {
  const signerSeed = new Uint8Array(32).fill(4);
  chain.submitExtrinsic(
    signExtrinsic({
      genesisHash: chain.genesisHash,
      signerSeed,
      signer: ed25519FromSeed(signerSeed).publicKey,
      nonce: 0,
      call: { module: 'balances', call: 'transfer', args: new Uint8Array(bytes).fill(0xab) },
    }),
  );
  return toHex(hashHeader(chain.seal().header));
}

describe('handleRpc', () => {
  it('answers a body that is not JSON with -32700 and a null id', async () => {
    const response = await call(createTestChain(), '{"jsonrpc": "2.0", "id": 1, "method": ');
    assert.equal(response.error.code, -32700);
    assert.equal(response.id, null);
  });

  it('answers requests without jsonrpc 2.0, method or a valid id with -32600', async () => {
    const chain = createTestChain();
    for (const body of [
      { id: 1, method: 'system_chain' },
      { jsonrpc: '1.0', id: 1, method: 'system_chain' },
      { jsonrpc: '2.0', id: 1, method: 7 },
      { jsonrpc: '2.0', id: { x: 1 }, method: 'system_chain' },
      { jsonrpc: '2.0', id: 1, method: 'system_chain', params: 'x' },
      42,
      null,
    ]) {
      const response = await call(chain, body);
      assert.equal(response.error.code, -32600, JSON.stringify(body));
    }
  });

  it('answers an unknown method with -32601 naming it, and a notification with nothing', async () => {
    const chain = createTestChain();
    const response = await call(chain, request('nope_nothing'));
    assert.equal(response.error.code, -32601);
    assert.match(response.error.message, /nope_nothing/);
    assert.equal(await call(chain, { jsonrpc: '2.0', method: 'nope_nothing' }), undefined);
  });

  it('answers invalid params with -32602 naming the parameter', async () => {
    const chain = createTestChain();
    const badHash = await call(chain, request('chain_getBlock', ['0x1234']));
    assert.equal(badHash.error.code, -32602);
    assert.match(badHash.error.message, /"hash"/);
    const tooMany = await call(chain, request('system_chain', [1]));
    assert.equal(tooMany.error.code, -32602);
    const missing = await call(chain, request('author_submitExtrinsic', []));
    assert.match(missing.error.message, /missing parameter "extrinsic"/);
    const badAddress = await call(chain, request('balances_getAccount', ['phx1nope']));
    assert.equal(badAddress.error.code, -32602);
    const unknownName = await call(chain, request('chain_getBlock', { hsh: toHex(chain.genesisHash) }));
    assert.equal(unknownName.error.code, -32602);
  });

  it('accepts named params and null for an omitted optional param', async () => {
    const chain = createTestChain();
    const named = await call(chain, request('chain_getBlockHash', { number: 0 }));
    assert.equal(named.result, toHex(chain.genesisHash));
    const nulled = await call(chain, request('chain_getHeader', [null]));
    assert.equal(nulled.result.hash, toHex(chain.genesisHash));
  });

  it('passes an RpcError from the chain through with its code, name and details', async () => {
    const chain = createTestChain();
    const response = await call(chain, request('author_submitExtrinsic', ['0x0102']));
    assert.equal(response.error.code, 1010);
    assert.equal(response.error.data.code, 'MalformedExtrinsic');
  });

  it('answers an unexpected exception with -32603, reports it, and keeps serving', async () => {
    const chain: ChainService = {
      ...createTestChain(),
      health: () => {
        throw new TypeError('bug');
      },
    };
    const reported: string[] = [];
    const context: RpcContext = { maxBatch: 10, onInternalError: (_error, method) => reported.push(method) };
    const response = await call(chain, request('system_health'), context);
    assert.equal(response.error.code, -32603);
    assert.doesNotMatch(JSON.stringify(response), /TypeError|bug/);
    assert.deepEqual(reported, ['system_health']);
    assert.equal((await call(chain, request('system_chain'), context)).result, 'test');
  });

  it('serialises bigint and byte details of a chain error instead of failing', async () => {
    const chain: ChainService = {
      ...createTestChain(),
      submitExtrinsic: () => {
        throw new RpcError(1010, 'CannotPayFee', 'balance too low', {
          needed: 10n,
          who: new Uint8Array([1]),
        });
      },
    };
    const response = await call(chain, request('author_submitExtrinsic', ['0x00']));
    assert.deepEqual(response.error.data, { code: 'CannotPayFee', details: { needed: '10', who: '0x01' } });
  });

  it('answers a batch in order, leaving out notifications', async () => {
    const chain = createTestChain();
    const response = await call(chain, [
      request('system_chain', undefined, 'a'),
      { jsonrpc: '2.0', method: 'system_chain' },
      request('nope', undefined, 'b'),
      5,
    ]);
    assert.equal(response.length, 3);
    assert.deepEqual(
      response.map((r: { id: unknown }) => r.id),
      ['a', 'b', null],
    );
    assert.equal(response[0].result, 'test');
    assert.equal(response[1].error.code, -32601);
    assert.equal(response[2].error.code, -32600);
    assert.equal(await call(chain, [{ jsonrpc: '2.0', method: 'system_chain' }]), undefined);
  });

  it('refuses an empty batch and a batch longer than the limit with one -32600', async () => {
    const chain = createTestChain();
    assert.equal((await call(chain, [])).error.code, -32600);
    const tooLong = await call(
      chain,
      Array.from({ length: 11 }, (_, i) => request('system_chain', undefined, i)),
    );
    assert.equal(tooLong.error.code, -32600);
    assert.equal(tooLong.error.data.code, 'BatchTooLarge');
  });

  it('replaces a response larger than the per-request budget with ResponseTooLarge, same id', async () => {
    const chain = createTestChain();
    const hash = bigBlock(chain, 64 * 1024);
    const context: RpcContext = { maxBatch: 10, maxResponseBytes: 32 * 1024 };
    const response = await call(chain, request('chain_getBlock', [hash], 7), context);
    assert.equal(response.id, 7);
    assert.equal(response.error.code, 1004);
    assert.equal(response.error.data.code, 'ResponseTooLarge');
    assert.equal(response.error.data.details.max, 32 * 1024);
    assert.equal((await call(chain, request('system_chain'), context)).result, 'test');
  });

  it('stops running a batch once its answer passes the batch budget, answering the rest with errors', async () => {
    const real = createTestChain();
    const hash = bigBlock(real, 64 * 1024);
    let blocksBuilt = 0;
    const chain: ChainService = {
      ...real,
      getBlock: (h) => {
        blocksBuilt++;
        return real.getBlock(h);
      },
    };
    const context: RpcContext = { maxBatch: 100, maxBatchResponseBytes: 400 * 1024 };
    // 99 requests and a notification, which is not run either once the budget is spent.
    const batch: unknown[] = Array.from({ length: 99 }, (_, i) => request('chain_getBlock', [hash], i));
    batch.splice(50, 0, { jsonrpc: '2.0', method: 'chain_getBlock', params: [hash] });
    const text = await handleRpc(chain, JSON.stringify(batch), context);
    // A block is about 130 kB of JSON: three fit, the fourth passes the budget, the rest never run.
    assert.equal(blocksBuilt, 4);
    assert.ok(text !== undefined && text.length < 400 * 1024 + 100 * 200, `answer of ${text?.length}`);
    const responses = JSON.parse(text);
    assert.deepEqual(
      responses.map((r: { id: number }) => r.id),
      Array.from({ length: 99 }, (_, i) => i),
    );
    assert.equal(responses.filter((r: { result?: unknown }) => r.result).length, 3);
    for (const r of responses.slice(3)) assert.equal(r.error.data.code, 'ResponseTooLarge');
  });

  it('lets other work run between the entries of a batch', async () => {
    const real = createTestChain();
    let otherWorkRan = false;
    const seen: boolean[] = [];
    const chain: ChainService = {
      ...real,
      getBlockHash: (number) => {
        seen.push(otherWorkRan);
        return real.getBlockHash(number);
      },
    };
    setImmediate(() => {
      otherWorkRan = true;
    });
    await call(chain, [request('chain_getBlockHash', [0], 1), request('chain_getBlockHash', [0], 2)]);
    assert.deepEqual(seen, [false, true]);
  });

  it('starts the submissions of a batch in order before awaiting any, and answers them in order', async () => {
    const real = createTestChain();
    const started: number[] = [];
    const release: (() => void)[] = [];
    // A node whose submissions settle only when told (like the etcd ordering's durable writes).
    const chain: ChainService = {
      ...real,
      submitExtrinsic: (bytes) => {
        const hash = real.submitExtrinsic(bytes) as Uint8Array;
        started.push(started.length);
        return new Promise((resolve) => release.push(() => resolve(hash)));
      },
    };
    const batch = [0, 1, 2].map((nonce) =>
      request('author_submitExtrinsic', [toHex(extrinsic(nonce))], nonce),
    );
    const answered = call(chain, [...batch, request('chain_getBlockHash', [0], 'after')]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(started, [0, 1, 2], 'all three started while none had settled');
    for (const settle of release.reverse()) settle();
    const responses = await answered;
    assert.deepEqual(
      responses.map((r: { id: unknown }) => r.id),
      [0, 1, 2, 'after'],
    );
    assert.ok(responses.slice(0, 3).every((r: { result?: string }) => typeof r.result === 'string'));
  });

  it('serves a block as SCALE that decodes to the block and hashes to its hash', async () => {
    const chain = createTestChain();
    const submitted = await call(chain, request('author_submitExtrinsic', [toHex(extrinsic())]));
    const sealed = chain.seal();
    const hash = await call(chain, request('chain_getBlockHash', [1]));
    assert.equal(hash.result, toHex(hashHeader(sealed.header)));
    const { result } = await call(chain, request('chain_getBlock', [hash.result]));
    const block = decodeExact(BlockCodec, hexToBytes(result.block));
    assert.deepEqual(block, sealed);
    assert.equal(result.hash, hash.result);
    assert.equal(result.header.number, 1);
    assert.equal(result.header.timestamp, sealed.header.timestamp.toString());
    assert.deepEqual(result.extrinsics, [{ hash: submitted.result, outcome: { ok: true } }]);
    const head = await call(chain, request('chain_getHeader'));
    assert.equal(head.result.hash, hash.result);
  });

  it('answers null for an unknown block hash and a height above the head', async () => {
    const chain = createTestChain();
    const unknown = toHex(new Uint8Array(32).fill(9));
    assert.equal((await call(chain, request('chain_getBlock', [unknown]))).result, null);
    assert.equal((await call(chain, request('chain_getHeader', [unknown]))).result, null);
    assert.equal((await call(chain, request('state_getStorage', ['0x01', unknown]))).result, null);
    assert.equal((await call(chain, request('chain_getBlockHash', [5]))).result, null);
  });

  it('serves storage values, absent keys as null, and pages of keys under a prefix', async () => {
    const chain = createTestChain();
    chain.storage.set('0xaa01', new Uint8Array([1]));
    chain.storage.set('0xaa02', new Uint8Array([2]));
    chain.storage.set('0xbb01', new Uint8Array([3]));
    const present = await call(chain, request('state_getStorage', ['0xAA01']));
    assert.equal(present.result.value, '0x01');
    assert.equal(present.result.blockHash, toHex(chain.genesisHash));
    assert.equal((await call(chain, request('state_getStorage', ['0xaa03']))).result.value, null);
    const page = await call(chain, request('state_getKeysPaged', ['0xaa', 1, '0xaa01']));
    assert.deepEqual(page.result, [{ key: '0xaa02', value: '0x02' }]);
    assert.equal((await call(chain, request('state_getKeysPaged', ['0xaa', 100_000]))).error.code, -32602);
  });

  it('refuses subscriptions over a transport without a session', async () => {
    const response = await call(createTestChain(), request('chain_subscribeNewHeads'));
    assert.equal(response.error.code, 1001);
  });

  it('describes the chain: name, genesis hash, address prefix and health', async () => {
    const chain = createTestChain('phalanx-dev');
    const properties = await call(chain, request('system_properties'));
    assert.deepEqual(properties.result, {
      chain: 'phalanx-dev',
      genesisHash: toHex(chain.genesisHash),
      addressPrefix: 'phx',
    });
    const health = await call(chain, request('system_health'));
    assert.equal(health.result.bestNumber, 0);
    assert.equal(health.result.bestHash, toHex(chain.genesisHash));
  });

  it('returns results that match the schemas it documents', async () => {
    const chain = createTestChain();
    chain.storage.set('0xaa01', new Uint8Array([1]));
    await call(chain, request('author_submitExtrinsic', [toHex(extrinsic())]));
    chain.seal();
    const calls: [string, unknown[]][] = [
      ['chain_getHeader', []],
      ['chain_getBlock', []],
      ['chain_getBlockHash', [0]],
      ['chain_getEvents', []],
      ['state_getStorage', ['0xaa01']],
      ['state_getKeysPaged', ['0x', 10]],
      ['author_submitExtrinsic', [toHex(extrinsic(1))]],
      ['system_health', []],
      ['system_chain', []],
      ['system_properties', []],
      ['system_accountNextIndex', [encodeAddress(ed25519FromSeed(new Uint8Array(32).fill(3)).publicKey)]],
      ['rpc.discover', []],
    ];
    for (const [method, params] of calls) {
      const response = await call(chain, request(method, params));
      assert.ok('result' in response, `${method}: ${JSON.stringify(response)}`);
      const schema = defaultRpcMethods.get(method)!.spec.result.schema;
      assert.ok(schema.safeParse(response.result).success, `${method} result does not match its schema`);
    }
  });

  it('documents every registered method in rpc.discover, and nothing else', async () => {
    const { result } = await call(createTestChain(), request('rpc.discover'));
    assert.equal(result.openrpc, '1.2.6');
    const documented = result.methods.map((m: { name: string }) => m.name).sort();
    assert.deepEqual(documented, defaultRpcMethods.methods.map((m) => m.spec.name).sort());
    for (const method of result.methods) {
      assert.ok(method.summary.length > 0, method.name);
      assert.ok(method.result.schema, method.name);
      for (const p of method.params) assert.ok(p.schema && p.description, `${method.name}.${p.name}`);
    }
    const getBlock = result.methods.find((m: { name: string }) => m.name === 'chain_getBlock');
    assert.deepEqual(getBlock.params[0], {
      name: 'hash',
      description: 'Block hash; the best block when omitted.',
      required: false,
      schema: getBlock.params[0].schema,
    });
    assert.equal(getBlock.params[0].schema.type, 'string');
  });
});
