// What adding a module's RPC method takes: the module declares a spec (its schemas.ts) and a handler
// over its queries (its rpc.ts), and joins the module list; the node serves it, `rpc.discover`
// documents it and the typed client calls it, none of them edited. Here a tiny module defined in the
// test stands in for a new folder, and `createRpcMethods([...MODULES, notes])` for the one line a new
// module adds to src/runtime/modules.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { callMethod } from '../../client/callMethod.js';
import { createHttpClient } from '../../client/createHttpClient.js';
import { discover } from '../../client/discover.js';
import { RpcError } from '../../codec/errors.js';
import { nodeRpc } from '../../codec/nodeRpc.js';
import { defineRpcSpec, implement, rpcParam } from '../../codec/rpcSpec.js';
import { BlockNumberSchema } from '../../codec/rpcWire.js';
import type { QueryContext } from '../../runtime/api.js';
import { MODULES } from '../../runtime/modules.js';
import type { RuntimeModule } from '../../runtime/support/module.js';
import { getChainName } from '../../runtime/system/queries.js';
import type { Node } from '../createNode.js';
import { makeTempDir, openTestNode } from '../testing/nodeFixture.js';
import { createRpcServer, type RpcServer } from './createRpcServer.js';
import { createRpcMethods } from './rpcMethods.js';

// notes/schemas.ts
const notesRpc = {
  describeHead: defineRpcSpec({
    name: 'notes_describeHead',
    summary: 'The best block number and the chain name, prefixed with a greeting.',
    params: [rpcParam('greeting', z.string().max(20), 'Put before the chain name.')],
    result: {
      name: 'head',
      schema: z.object({ number: BlockNumberSchema, text: z.string() }),
      description: 'Block number and greeting.',
    },
  }),
};

// notes/rpc.ts and notes/index.ts
const notesModule: RuntimeModule = {
  name: 'notes',
  calls: {},
  events: {},
  errors: {},
  rpc: [
    implement(notesRpc.describeHead, ({ state, head }: QueryContext, [greeting]) => ({
      number: head.number,
      text: `${greeting} ${getChainName(state)}`,
    })),
  ],
};

describe('createRpcMethods', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let node: Node;
  let server: RpcServer;

  before(async () => {
    dir = makeTempDir();
    node = openTestNode(dir.path);
    server = await createRpcServer({ chain: node, methods: createRpcMethods([...MODULES, notesModule]) });
  });
  after(async () => {
    await server.close();
    await node.stop();
    dir.remove();
  });

  it('serves a method a module declares in its own folder: documented, validated and called through the client', async () => {
    const client = createHttpClient(server.url);
    try {
      const document = await discover(client);
      const names = document.methods.map((m) => m.name);
      assert.ok(names.includes('notes_describeHead'));
      assert.ok(names.includes('registry_getWorker') && names.includes('chain_getHeader'));
      assert.deepEqual(await callMethod(client, notesRpc.describeHead, 'hello'), {
        number: 0,
        text: 'hello Phalanx Development',
      });
      const refused = await callMethod(client, notesRpc.describeHead, 'x'.repeat(21)).catch(
        (e: unknown) => e,
      );
      assert.ok(refused instanceof RpcError && refused.rpcCode === -32602, String(refused));
      await node.engine.step();
      assert.equal((await callMethod(client, notesRpc.describeHead, 'hi')).number, 1, 'reads the new head');
    } finally {
      await client.close();
    }
  });

  it('serves the Phalanx modules by default, and not a module it was not given', async () => {
    const defaults = createRpcMethods();
    assert.ok(defaults.get('balances_getAccount'));
    assert.ok(defaults.get('gatekeeper_getGatekeepers'));
    assert.equal(defaults.get('notes_describeHead'), undefined);
  });

  it('refuses a module method outside the module’s namespace, and a name served twice', () => {
    const stray: RuntimeModule = { ...notesModule, name: 'memo' };
    assert.throws(() => createRpcMethods([...MODULES, stray]), /memo declares RPC method notes_describeHead/);
    const twice: RuntimeModule = {
      name: 'chain',
      calls: {},
      events: {},
      errors: {},
      rpc: [implement(nodeRpc.chain, () => 'not the node')],
    };
    assert.throws(() => createRpcMethods([...MODULES, twice]), /system_chain/);
    const clash: RuntimeModule = {
      name: 'system',
      calls: {},
      events: {},
      errors: {},
      rpc: [implement(nodeRpc.chain, () => 'not the node')],
    };
    assert.throws(() => createRpcMethods([clash]), /system_chain is declared twice/);
  });
});
