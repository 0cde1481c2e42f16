// The registry and gatekeeper RPC methods over real runtime state: workers registered with sim
// evidence by the real registry module, their state copied into the RPC layer's in-memory chain, and
// the pure handler asked about them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimPki } from '../../attestation/sim/index.js';
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { blake2b256 } from '../../codec/hash.js';
import { GatekeepersJsonSchema } from '../../runtime/gatekeeper/schemas.js';
import {
  PolicyInfoJsonSchema,
  PolicyJsonSchema,
  policyFromJson,
  WorkerJsonSchema,
  WorkerPageJsonSchema,
} from '../../runtime/registry/schemas.js';
import { Policy } from '../../runtime/registry/storage.js';
import {
  createRegistryTestChain,
  createTestWorker,
  registerSimWorker,
  SIM_TEST_NOW,
} from '../../runtime/registry/testing.js';
import { RegistryPolicyCodec } from '../../runtime/registry/types.js';
import { createMapReader } from '../../runtime/support/overlay.js';
import { handleRpc } from './handleRpc.js';
import { createTestChain } from './testing/createTestChain.js';

const pki = createSimPki({ seed: Uint8Array.of(9, 4), now: SIM_TEST_NOW });

/** Three registered workers; returns an RPC chain holding that state and the runtime's own view. */
function setUp() {
  const runtimeChain = createRegistryTestChain({ simRoots: [pki] });
  const workers = ['a', 'b', 'c'].map((name) => createTestWorker(name, 'dave'));
  for (const worker of workers) registerSimWorker(runtimeChain, pki, worker);
  const rpcChain = createTestChain();
  for (const [hex, value] of runtimeChain.state) rpcChain.storage.set(`0x${hex}`, value);
  const pubkeys = workers.map((w) => toHex(w.identity.publicKey)).sort();
  return { runtimeChain, rpcChain, pubkeys };
}

async function call(chain: ReturnType<typeof createTestChain>, method: string, params: unknown[]) {
  const text = await handleRpc(chain, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }), {
    maxBatch: 10,
  });
  return JSON.parse(text!) as { result?: unknown; error?: { code: number; message: string } };
}

describe('registry and gatekeeper RPC methods', () => {
  it('returns a registered worker decoded: state, operator address, attestation facts, sim flag', async () => {
    const { rpcChain, pubkeys } = setUp();
    const { result } = await call(rpcChain, 'registry_getWorker', [pubkeys[0]]);
    const worker = WorkerJsonSchema.parse(result);
    assert.equal(worker.pubkey, pubkeys[0]);
    assert.equal(worker.state, 'Registered');
    assert.equal(worker.operator, encodeAddress(devKeypair('dave').publicKey));
    assert.equal(worker.attestation.provider, 'dcap');
    assert.equal(worker.attestation.tcbStatus, 'UpToDate');
    assert.equal(worker.attestation.measurement.tee, 'sgx');
    assert.equal(worker.attestation.simInsecure, true, 'the chain trusts a sim root');
    assert.ok(BigInt(worker.attestation.expiresAt) > BigInt(worker.attestation.attestedAt));
    assert.equal(worker.benchmark, null);
  });

  it('accepts the phx1 form of a pubkey, answers null for an unknown one and refuses malformed ones', async () => {
    const { rpcChain, pubkeys } = setUp();
    const address = encodeAddress(Buffer.from(pubkeys[1]!.slice(2), 'hex'));
    const byAddress = await call(rpcChain, 'registry_getWorker', [address]);
    assert.equal((byAddress.result as { pubkey: string }).pubkey, pubkeys[1]);
    const unknown = await call(rpcChain, 'registry_getWorker', [toHex(new Uint8Array(32).fill(3))]);
    assert.equal(unknown.result, null);
    const malformed = await call(rpcChain, 'registry_getWorker', ['0x1234']);
    assert.equal(malformed.error?.code, -32602);
  });

  it('pages through the workers in pubkey order, each exactly once', async () => {
    const { rpcChain, pubkeys } = setUp();
    const first = WorkerPageJsonSchema.parse(
      (await call(rpcChain, 'registry_listWorkers', [{ limit: 2 }])).result,
    );
    assert.deepEqual(
      first.workers.map((w) => w.pubkey),
      pubkeys.slice(0, 2),
    );
    assert.equal(first.next, pubkeys[1]);
    const second = WorkerPageJsonSchema.parse(
      (await call(rpcChain, 'registry_listWorkers', [{ startAfter: first.next, limit: 2 }])).result,
    );
    assert.deepEqual(
      second.workers.map((w) => w.pubkey),
      pubkeys.slice(2),
    );
    assert.equal(second.next, null);
    const all = WorkerPageJsonSchema.parse((await call(rpcChain, 'registry_listWorkers', [])).result);
    assert.equal(all.workers.length, 3);
    const tooBig = await call(rpcChain, 'registry_listWorkers', [{ limit: 100_000 }]);
    assert.equal(tooBig.error?.code, -32602);
    const unknownField = await call(rpcChain, 'registry_listWorkers', [{ after: pubkeys[0] }]);
    assert.equal(unknownField.error?.code, -32602);
  });

  it('returns the policy in the file form set-policy takes, which decodes back to the same policy', async () => {
    const { rpcChain, runtimeChain } = setUp();
    const info = PolicyInfoJsonSchema.parse((await call(rpcChain, 'registry_getPolicy', [])).result);
    const stored = Policy.get(createMapReader(runtimeChain.state))!;
    const roundTrip = policyFromJson(PolicyJsonSchema.parse(info.policy));
    assert.deepEqual(RegistryPolicyCodec.enc(roundTrip), RegistryPolicyCodec.enc(stored));
    assert.equal(info.hash, toHex(blake2b256(RegistryPolicyCodec.enc(stored))));
    assert.deepEqual(
      info.roots.map((r) => r.intel),
      [true, true, false],
    );
    assert.match(info.roots[2]!.subject, /SIM Insecure Root CA/);
  });

  it('returns an empty gatekeeper set and no master key before governance appoints one', async () => {
    const { rpcChain } = setUp();
    const set = GatekeepersJsonSchema.parse((await call(rpcChain, 'gatekeeper_getGatekeepers', [])).result);
    assert.deepEqual(set, { gatekeepers: [], masterPubkey: null });
  });
});
