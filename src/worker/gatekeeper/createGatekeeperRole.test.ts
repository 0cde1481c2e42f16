// The gatekeeper role against the real runtime, followed the way a worker follows a chain: every
// block is executed by the Phalanx runtime, committed to the Merkle state trie, signed by the dev
// authority and imported by a real light client; every read the role makes is a storage proof checked
// against a verified header, and everything it submits is executed in the next block. Only the node
// in between is left out (the role's own tests need no sockets); the worker host's tests cover it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { parseCollateralJson } from '../../attestation/collateral.js';
import { createSimPki, createSimQuote } from '../../attestation/sim/index.js';
import { SIM_DEFAULT_MRENCLAVE } from '../../attestation/sim/simDefaults.js';
import { bytesToHex, equalBytes, utf8 } from '../../codec/bytes.js';
import {
  type Call,
  type Header,
  hashExtrinsic,
  hashHeader,
  listRoot,
  signExtrinsic,
  signHeader,
} from '../../codec/chain.js';
import { devKeypair, devSeed } from '../../codec/devKeys.js';
import { ed25519FromSeed, type Keypair, x25519FromSecret } from '../../codec/keys.js';
import type { OutcomeJson } from '../../codec/rpcWire.js';
import { createMemoryNodeStore, EMPTY_ROOT, proveKey, updateTrie } from '../../codec/trie/index.js';
import type { StateChanges } from '../../runtime/api.js';
import { getEncryptedKey, getMasterPubkey, getSharedMasterKey } from '../../runtime/gatekeeper/queries.js';
import { gatekeeperCalls } from '../../runtime/gatekeeper/types.js';
import { createDevGenesisConfig } from '../../runtime/genesis/createDevGenesisConfig.js';
import { governanceCalls } from '../../runtime/governance/types.js';
import { createMapReader, createRuntime } from '../../runtime/index.js';
import { getPolicy, getWorker } from '../../runtime/registry/queries.js';
import { WorkerStates, Workers } from '../../runtime/registry/storage.js';
import {
  type Evidence,
  type RegistryPolicy,
  registryCalls,
  type WorkerInfo,
  type WorkerRecord,
  WorkerRecordCodec,
  WorkerStateCodec,
  workerInfoReportData,
} from '../../runtime/registry/types.js';
import { createEnclaveCore, type EnclaveCore } from '../enclave/enclaveCore.js';
import { createSimEvidenceProvider } from '../enclave/evidence/createSimEvidenceProvider.js';
import { createLightClient, type LightClient } from '../enclave/lightClient.js';
import { createSimSealingProvider } from '../enclave/sealing/createSimSealingProvider.js';
import type { RoleContext } from '../host/createWorkerHost.js';
import { createGatekeeperCore } from './createGatekeeperCore.js';
import {
  createGatekeeperRole,
  type GatekeeperRole,
  type GatekeeperRoleOptions,
} from './createGatekeeperRole.js';

const GENESIS_MS = 1_700_000_000_000n;
const BLOCK_MS = 6000n;
const pki = createSimPki({ seed: utf8('gatekeeper role tests'), now: Number(GENESIS_MS / 1000n) });
/** A second build the chain allowlists at first and governance later revokes. */
const REVOKED_BUILD = new Uint8Array(32).fill(0x3c);
const alice = devKeypair('alice');
const root = mkdtempSync(join(tmpdir(), 'phalanx-gk-role-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

interface TestWorker {
  readonly identity: { readonly publicKey: Uint8Array };
  readonly ecdhPubkey: Uint8Array;
  readonly operator: Keypair;
}

function plainWorker(name: string, operator: string): TestWorker {
  return {
    identity: ed25519FromSeed(devSeed(`role-worker/${name}`)),
    ecdhPubkey: x25519FromSecret(devSeed(`role-worker-ecdh/${name}`)).publicKey,
    operator: devKeypair(operator as 'bob'),
  };
}

/** A chain run by the real runtime, committed to a real trie and followed by a real light client. */
function createFollowedChain(policy: { attestationValidityMs?: number } = {}) {
  const runtime = createRuntime();
  const config = createDevGenesisConfig({ chainName: 'test', simRoots: [pki.rootCertDer] });
  config.registry.policy = { ...config.registry.policy, ...policy };
  const entries = new Map<string, { key: Uint8Array; value: Uint8Array }>();
  const state = new Map<string, Uint8Array>();
  const reader = createMapReader(state);
  const nodes = createMemoryNodeStore();
  let stateRoot = EMPTY_ROOT;
  const commit = (changes: StateChanges): void => {
    for (const [hex, { key, value }] of changes) {
      const id = Buffer.from(key).toString('hex');
      if (value === null) {
        state.delete(hex);
        entries.delete(id);
      } else {
        state.set(hex, value);
        entries.set(id, { key, value });
      }
    }
    const update = updateTrie(nodes, stateRoot, changes.values());
    for (const node of update.nodes) nodes.put(node.hash, node.bytes);
    stateRoot = update.root;
  };
  commit(runtime.buildGenesisState(config));
  const genesisHeader: Header = {
    parentHash: new Uint8Array(32),
    number: 0,
    timestamp: GENESIS_MS,
    stateRoot,
    extrinsicsRoot: listRoot([]),
    eventsRoot: listRoot([]),
    author: new Uint8Array(32),
  };
  const genesisHash = hashHeader(genesisHeader);
  const lightClient: LightClient = createLightClient({
    genesisHash,
    genesisHeader,
    authorities: [alice.publicKey],
  });
  const roles: GatekeeperRole[] = [];
  const pool: Uint8Array[] = [];
  const nonces = new Map<string, number>();

  /** Seals a block whose state the runtime computed, plus (a chain before this fix) `legacy` writes. */
  const seal = (extrinsics: Uint8Array[], outcomes: OutcomeJson[], changes: StateChanges): void => {
    commit(changes);
    const parent = lightClient.head();
    const header: Header = {
      parentHash: parent.hash,
      number: parent.header.number + 1,
      timestamp: parent.header.timestamp + BLOCK_MS,
      stateRoot,
      extrinsicsRoot: listRoot(extrinsics),
      eventsRoot: listRoot([]),
      author: alice.publicKey,
    };
    const hash = lightClient.importHeader({ header, signature: signHeader(header, alice.secretSeed) });
    const receipts = extrinsics.map((bytes, i) => ({ hash: hashExtrinsic(bytes), outcome: outcomes[i]! }));
    for (const role of roles)
      role.onBlock?.({ hash, header: lightClient.head().header, extrinsics, receipts });
  };

  const chain = {
    genesisHash,
    lightClient,
    reader,
    /** Executes `extrinsics` (and whatever was submitted) in the next block; returns their outcomes. */
    executeBlock(extrinsics: Uint8Array[] = []): OutcomeJson[] {
      const head = lightClient.head();
      const builder = runtime.beginBlock(
        reader,
        {
          number: head.header.number + 1,
          timestamp: head.header.timestamp + BLOCK_MS,
          parentHash: head.hash,
          author: alice.publicKey,
        },
        genesisHash,
      );
      const included: Uint8Array[] = [];
      const outcomes: OutcomeJson[] = [];
      for (const extrinsic of [...pool.splice(0), ...extrinsics]) {
        const result = builder.apply(extrinsic);
        if (!result.included) continue;
        included.push(extrinsic);
        outcomes.push(result.outcome.ok ? { ok: true } : { ok: false, error: result.outcome.error });
      }
      nonces.clear();
      seal(included, outcomes, builder.finish().changes);
      return outcomes;
    },
    sign(signer: Keypair, call: Call): Uint8Array {
      const id = bytesToHex(signer.publicKey);
      const nonce = nonces.get(id) ?? runtime.queries.getAccount(reader, signer.publicKey).nonce;
      nonces.set(id, nonce + 1);
      return signExtrinsic({
        genesisHash,
        signerSeed: signer.secretSeed,
        signer: signer.publicKey,
        nonce,
        call,
      });
    },
    sudo(call: Call): void {
      const [outcome] = chain.executeBlock([chain.sign(alice, governanceCalls.sudo(call))]);
      assert.deepEqual(outcome, { ok: true });
    },
    changePolicy(change: (policy: RegistryPolicy) => RegistryPolicy): void {
      chain.sudo(registryCalls.setPolicy(change(getPolicy(reader)!)));
    },
    /** WorkerInfo over the newest block, as a worker would attest it. */
    infoFor(worker: TestWorker): WorkerInfo {
      const head = lightClient.head();
      return {
        version: 1,
        pubkey: worker.identity.publicKey,
        ecdhPubkey: worker.ecdhPubkey,
        genesisHash,
        operator: worker.operator.publicKey,
        features: { cores: 2, tee: 'sgx' },
        recentBlock: { number: head.header.number, hash: head.hash },
      };
    },
    register(worker: TestWorker, mrEnclave: Uint8Array = SIM_DEFAULT_MRENCLAVE): void {
      const info = chain.infoFor(worker);
      const [outcome] = chain.executeBlock([
        chain.sign(worker.operator, registryCalls.registerWorker(info, evidenceFor(info, mrEnclave))),
      ]);
      assert.deepEqual(outcome, { ok: true });
    },
    /**
     * A registration as a chain before this fix accepted it (an all-zero ECDH key, refused now): the
     * block carries the extrinsic and the state holds what the old runtime wrote for it.
     */
    registerBeforeTheFix(worker: TestWorker): void {
      const info = chain.infoFor(worker);
      const extrinsic = chain.sign(worker.operator, registryCalls.registerWorker(info, evidenceFor(info)));
      const head = lightClient.head();
      const at = head.header.timestamp + BLOCK_MS;
      const record: WorkerRecord = {
        info,
        attestation: {
          provider: 'dcap',
          tee: 'sgx',
          tcbStatus: 'UpToDate',
          quoteStatus: undefined,
          advisoryIds: [],
          confidenceLevel: 1,
          measurement: {
            tag: 'Sgx',
            value: {
              mrEnclave: SIM_DEFAULT_MRENCLAVE,
              mrSigner: new Uint8Array(32),
              isvProdId: 0,
              isvSvn: 0,
            },
          },
          attestedAt: at,
          expiresAt: at + 86_400_000n,
        },
        registeredAt: head.header.number + 1,
      };
      const builder = runtime.beginBlock(
        reader,
        { number: head.header.number + 1, timestamp: at, parentHash: head.hash, author: alice.publicKey },
        genesisHash,
      );
      const changes = builder.finish().changes;
      for (const [key, value] of [
        [Workers.keyOf(info.pubkey), WorkerRecordCodec.enc(record)],
        [WorkerStates.keyOf(info.pubkey), WorkerStateCodec.enc('Registered')],
      ] as const) {
        changes.set(Buffer.from(key).toString('hex'), { key, value });
      }
      nonces.clear();
      seal([extrinsic], [{ ok: true }], changes);
    },
    /** What a role run by `core` (operator `operator`) gets each tick. */
    contextFor(operator: Keypair): RoleContext {
      return {
        // The candidate listing is unproven by design (the role proves each entry): served from state.
        client: {
          url: 'memory:',
          close: async () => {},
          async request(method, params) {
            assert.equal(method, 'state_getKeysPaged');
            const [prefix, limit, startAfter] = params as [string, number, string | undefined];
            return [...entries.entries()]
              .filter(([id]) => id.startsWith(prefix.slice(2)) && (!startAfter || id > startAfter.slice(2)))
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .slice(0, limit)
              .map(([, { key, value }]) => ({
                key: `0x${bytesToHex(key)}`,
                value: `0x${bytesToHex(value)}`,
              }));
          },
        },
        lightClient,
        submitter: {
          operator: operator.publicKey,
          async submit(call) {
            const extrinsic = chain.sign(operator, call);
            pool.push(extrinsic);
            submitted.push(call);
            return hashExtrinsic(extrinsic);
          },
        },
        logger: pino({ level: 'silent' }),
        workerState: undefined,
        async readProven(key) {
          const head = lightClient.head();
          const { value, proof } = proveKey(nodes, head.header.stateRoot, key);
          return lightClient.verifyStorage(head.hash, key, value, proof);
        },
      };
    },
    follow(role: GatekeeperRole): void {
      roles.push(role);
    },
  };
  const submitted: Call[] = [];
  return { chain, submitted };
}

function evidenceFor(info: WorkerInfo, mrEnclave: Uint8Array = SIM_DEFAULT_MRENCLAVE): Evidence {
  const { quote, collateral } = createSimQuote(pki, {
    tee: 'sgx',
    mrEnclave,
    reportData: workerInfoReportData(info),
  });
  return { tag: 'Dcap', value: { quote, collateral: parseCollateralJson(collateral) } };
}

interface Gatekeeper {
  readonly core: EnclaveCore;
  readonly role: GatekeeperRole;
  readonly worker: TestWorker;
  readonly context: RoleContext;
  /** The same gatekeeper started again: a new role on its core and sealed master key, with no memory. */
  restart(): GatekeeperRole;
}

async function createGatekeeper(
  followed: ReturnType<typeof createFollowedChain>,
  operator: string,
  roleOptions: Pick<GatekeeperRoleOptions, 'registrations'> = {},
): Promise<Gatekeeper> {
  const dataDir = join(root, `gk-${dirs++}`);
  const sealing = createSimSealingProvider({
    machineDir: join(root, `machine-${dirs++}`),
    measurement: SIM_DEFAULT_MRENCLAVE,
  });
  const core = await createEnclaveCore({
    dataDir,
    sealing,
    evidence: createSimEvidenceProvider({ pki, tee: 'sgx' }),
  });
  const role = createGatekeeperRole({
    core,
    gatekeeper: createGatekeeperCore({ dataDir, sealing }),
    failureBackoff: { baseBlocks: 5, maxBlocks: 40 },
    ...roleOptions,
  });
  followed.chain.follow(role);
  const worker = {
    identity: { publicKey: core.pubkey },
    ecdhPubkey: core.ecdhPubkey,
    operator: devKeypair(operator as 'bob'),
  };
  const restart = (): GatekeeperRole => {
    const again = createGatekeeperRole({
      core,
      gatekeeper: createGatekeeperCore({ dataDir, sealing }),
      failureBackoff: { baseBlocks: 5, maxBlocks: 40 },
      ...roleOptions,
    });
    followed.chain.follow(again);
    return again;
  };
  return { core, role, worker, context: followed.chain.contextFor(worker.operator), restart };
}

/** A chain whose allowlist also admits REVOKED_BUILD, with gatekeeper `gk` holding the master key. */
async function setUp(
  policy: { attestationValidityMs?: number } = {},
  roleOptions: Pick<GatekeeperRoleOptions, 'registrations'> = {},
) {
  const followed = createFollowedChain(policy);
  const { chain } = followed;
  chain.executeBlock();
  chain.changePolicy((current) => ({
    ...current,
    measurementAllowlist: [
      ...current.measurementAllowlist,
      {
        tag: 'Sgx',
        value: { mrEnclave: REVOKED_BUILD, mrSigner: undefined, isvProdId: undefined, minIsvSvn: undefined },
      },
    ],
  }));
  const gk = await createGatekeeper(followed, 'charlie', roleOptions);
  chain.register(gk.worker);
  chain.sudo(gatekeeperCalls.addGatekeeper(gk.core.pubkey));
  await gk.role.onTick(gk.context); // publishes the master public key
  chain.executeBlock();
  assert.ok(getMasterPubkey(chain.reader));
  return { ...followed, gk };
}

const revokeBuild = (policy: RegistryPolicy): RegistryPolicy => ({
  ...policy,
  measurementAllowlist: policy.measurementAllowlist.filter(
    (rule) =>
      !(rule.tag === 'Sgx' && rule.value.mrEnclave && equalBytes(rule.value.mrEnclave, REVOKED_BUILD)),
  ),
});

const provisionsOf = (calls: readonly Call[]) => calls.filter((call) => call.call === 'provision').length;

describe('gatekeeper role: keys only under the policy in force, one worker at a time', {
  concurrency: false,
}, () => {
  it('provisions an honest worker but not a Registered worker whose build governance revoked', async () => {
    const { chain, gk, submitted } = await setUp();
    const honest = plainWorker('honest', 'dave');
    const revoked = plainWorker('revoked', 'eve');
    chain.register(honest);
    chain.register(revoked, REVOKED_BUILD);
    chain.changePolicy(revokeBuild);
    await gk.role.onTick(gk.context);
    chain.executeBlock();
    assert.equal(getWorker(chain.reader, honest.identity.publicKey)?.state, 'Provisioned');
    assert.equal(getWorker(chain.reader, revoked.identity.publicKey)?.state, 'Registered');
    assert.equal(getEncryptedKey(chain.reader, revoked.identity.publicKey), undefined);
    // Provisions went to the gatekeeper itself and the honest worker only.
    assert.equal(provisionsOf(submitted), 2);
  });

  it('does not provision a registration that has expired at the verified head', async () => {
    // 60 s validity: ten 6-second blocks.
    const { chain, gk, submitted } = await setUp({ attestationValidityMs: 60_000 });
    await gk.role.onTick(gk.context); // provisions itself while its registration stands
    chain.executeBlock();
    const late = plainWorker('late', 'dave');
    chain.register(late);
    const expiresAt = getWorker(chain.reader, late.identity.publicKey)!.attestation.expiresAt;
    while (chain.lightClient.head().header.timestamp < expiresAt) chain.executeBlock();
    const before = provisionsOf(submitted);
    await gk.role.onTick(gk.context);
    chain.executeBlock();
    assert.equal(provisionsOf(submitted), before);
    // Never Provisioned; the chain's expiry hook has meanwhile marked it Expired.
    assert.equal(getWorker(chain.reader, late.identity.publicKey)?.state, 'Expired');
  });

  it('shares the master key with a gatekeeper in good standing, not with one whose build was revoked', async () => {
    const followed = await setUp();
    const { chain, gk, submitted } = followed;
    const good = await createGatekeeper(followed, 'dave');
    const revoked = await createGatekeeper(followed, 'eve');
    chain.register(good.worker);
    chain.register(revoked.worker, REVOKED_BUILD);
    chain.sudo(gatekeeperCalls.addGatekeeper(good.core.pubkey));
    chain.sudo(gatekeeperCalls.addGatekeeper(revoked.core.pubkey));
    chain.changePolicy(revokeBuild);
    await gk.role.onTick(gk.context);
    chain.executeBlock();
    assert.ok(getSharedMasterKey(chain.reader, good.core.pubkey));
    assert.equal(getSharedMasterKey(chain.reader, revoked.core.pubkey), undefined);
    assert.deepEqual(
      submitted.filter((call) => call.call === 'shareMasterKey').length,
      1,
      'one box, to the gatekeeper in good standing',
    );
    await good.role.onTick(good.context);
    assert.equal(good.role.status().holdsMasterKey, true);
  });

  it('a poisoned registration skips only itself: the honest worker is provisioned in the same tick', async () => {
    const { chain, gk, submitted } = await setUp();
    // Workers are visited in key order; register enough honest ones that some come after the poison.
    const honest = ['h1', 'h2', 'h3', 'h4'].map((name) => plainWorker(name, 'dave'));
    for (const worker of honest) chain.register(worker);
    const poisoned: TestWorker = { ...plainWorker('poisoned', 'eve'), ecdhPubkey: new Uint8Array(32) };
    chain.registerBeforeTheFix(poisoned);
    assert.ok(honest.some((w) => Buffer.compare(w.identity.publicKey, poisoned.identity.publicKey) > 0));
    await gk.role.onTick(gk.context);
    chain.executeBlock();
    for (const worker of honest) {
      assert.equal(getWorker(chain.reader, worker.identity.publicKey)?.state, 'Provisioned');
    }
    assert.equal(getWorker(chain.reader, poisoned.identity.publicKey)?.state, 'Registered');
    assert.equal(gk.role.status().backedOff, 1);

    // Remembered, not judged again every tick: the next ticks submit nothing and keep it backed off.
    const before = submitted.length;
    for (let i = 0; i < 3; i++) {
      await gk.role.onTick(gk.context);
      chain.executeBlock();
    }
    assert.equal(submitted.length, before);
    assert.equal(gk.role.status().backedOff, 1);
  });
});

describe('gatekeeper role: restarts', { concurrency: false }, () => {
  it('restarted from its sealed view, provisions a worker that registered before the restart; without it, cannot', async () => {
    const { chain, gk } = await setUp();
    await gk.role.onTick(gk.context); // provisions itself
    chain.executeBlock();
    const early = plainWorker('early', 'dave');
    chain.register(early); // seen by the running gatekeeper, which stops before serving it
    const saved = gk.role.view!.save();

    // Both restarts follow only the blocks after the restart, as one resumed from a checkpoint does.
    const blind = gk.restart();
    const resumed = gk.restart();
    resumed.view!.restore(saved);
    assert.equal(resumed.status().registrationsKept, gk.role.status().registrationsKept);
    chain.executeBlock();

    await blind.onTick(gk.context);
    chain.executeBlock();
    assert.equal(getWorker(chain.reader, early.identity.publicKey)?.state, 'Registered');
    assert.equal(blind.status().backedOff, 1, 'no evidence seen for the worker: skipped');

    await resumed.onTick(gk.context);
    chain.executeBlock();
    assert.equal(getWorker(chain.reader, early.identity.publicKey)?.state, 'Provisioned');
  });

  it('refuses a view that does not decode, and keeps the one it had', async () => {
    const { chain, gk } = await setUp();
    chain.register(plainWorker('kept', 'dave'));
    const before = gk.role.status().registrationsKept;
    assert.ok(before >= 1);
    const saved = gk.role.view!.save();
    assert.throws(() => gk.role.view!.restore(saved.subarray(0, saved.length - 1)), {
      code: 'SealedStateInvalid',
    });
    assert.throws(() => gk.role.view!.restore(Uint8Array.of(2, 0, 0)), { code: 'SealedStateInvalid' });
    assert.equal(gk.role.status().registrationsKept, before);
  });
});

describe('gatekeeper role: memory that stays bounded however long it runs', { concurrency: false }, () => {
  it('keeps registrations and in-flight marks bounded over many registrations, and still provisions each', async () => {
    const { chain, gk } = await setUp({}, { registrations: { maxPending: 4, maxProvisioned: 3 } });
    const largest = { kept: 0, inFlight: 0 };
    const observe = () => {
      const status = gk.role.status();
      largest.kept = Math.max(largest.kept, status.registrationsKept);
      largest.inFlight = Math.max(largest.inFlight, status.inFlight);
    };
    const served: TestWorker[] = [];
    for (let round = 0; round < 8; round++) {
      const batch = [0, 1, 2].map((i) => plainWorker(`many-${round}-${i}`, 'dave'));
      for (const worker of batch) chain.register(worker);
      observe();
      await gk.role.onTick(gk.context);
      observe();
      chain.executeBlock(); // the provisions land
      served.push(...batch);
      // Past the retry period of this round's messages (10 blocks).
      for (let i = 0; i < 10; i++) chain.executeBlock();
    }
    for (const worker of served) {
      assert.equal(getWorker(chain.reader, worker.identity.publicKey)?.state, 'Provisioned');
    }
    // 25 workers registered (the gatekeeper too); the book never held more than its caps, and ends
    // with only the newest provisioned ones. In-flight marks: one round's at most (the first round
    // also provisions the gatekeeper itself, after its master key announcement), none once due.
    assert.ok(largest.kept <= 4 + 3, JSON.stringify(largest));
    assert.equal(gk.role.status().registrationsKept, 3);
    assert.ok(largest.inFlight <= 5, JSON.stringify(largest));
    await gk.role.onTick(gk.context);
    assert.equal(gk.role.status().inFlight, 0);

    // Registered workers no gatekeeper will serve (a build revoked since) stay pending: the cap
    // holds them.
    const refused = [0, 1, 2, 3, 4, 5].map((i) => plainWorker(`refused-${i}`, 'eve'));
    for (const worker of refused) chain.register(worker, REVOKED_BUILD);
    chain.changePolicy(revokeBuild);
    await gk.role.onTick(gk.context);
    chain.executeBlock();
    assert.equal(getWorker(chain.reader, refused[5]!.identity.publicKey)?.state, 'Registered');
    assert.equal(gk.role.status().registrationsKept, 4 + 3);
  });
});
