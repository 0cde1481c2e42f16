// The light client checkpoint on disk: sealed by the real sim sealing provider, read back by a fresh
// store as a restarted worker would, over chains of real ed25519-signed headers.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SIM_DEFAULT_MRENCLAVE } from '../../attestation/sim/simDefaults.js';
import { type Header, hashHeader, listRoot, type SignedHeader, signHeader } from '../../codec/chain.js';
import { devKeypair } from '../../codec/devKeys.js';
import { CHECKPOINT_FILE, createCheckpointStore } from './createCheckpointStore.js';
import { IDENTITY_FILE, loadOrCreateIdentity } from './identity.js';
import { createLightClient, resumeLightClient } from './lightClient.js';
import { createSimSealingProvider } from './sealing/createSimSealingProvider.js';

const alice = devKeypair('alice');
const root = mkdtempSync(join(tmpdir(), 'phalanx-checkpoint-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const fresh = (what: string) => join(root, `${what}-${dirs++}`);

/** `length` headers after a genesis, each signed by alice and linked to its parent. */
function buildHeaders(length: number, genesisTimestamp = 1_700_000_000_000n) {
  const genesis: Header = {
    parentHash: new Uint8Array(32),
    number: 0,
    timestamp: genesisTimestamp,
    stateRoot: new Uint8Array(32).fill(1),
    extrinsicsRoot: listRoot([]),
    eventsRoot: listRoot([]),
    author: new Uint8Array(32),
  };
  const blocks: SignedHeader[] = [];
  let parent = genesis;
  let parentHash = hashHeader(genesis);
  for (let number = 1; number <= length; number++) {
    const header: Header = {
      ...parent,
      parentHash,
      number,
      timestamp: parent.timestamp + 1000n,
      author: alice.publicKey,
    };
    blocks.push({ header, signature: signHeader(header, alice.secretSeed) });
    parent = header;
    parentHash = hashHeader(header);
  }
  return { genesis, genesisHash: hashHeader(genesis), blocks };
}

function clientAtGenesis(chain: ReturnType<typeof buildHeaders>) {
  return createLightClient({
    genesisHash: chain.genesisHash,
    genesisHeader: chain.genesis,
    authorities: [alice.publicKey],
  });
}

/** A worker's data folder and the sealing of its (simulated) machine, as a restart sees them again. */
function workerFolder() {
  const dataDir = fresh('data');
  const machineDir = fresh('machine');
  const sealing = () => createSimSealingProvider({ machineDir, measurement: SIM_DEFAULT_MRENCLAVE });
  return { dataDir, machineDir, store: () => createCheckpointStore({ dataDir, sealing: sealing() }) };
}

describe('light client checkpoint store', () => {
  it('a worker restarted after 10,000 blocks resumes at its checkpoint (9,990) and verifies 10 headers, not 10,000', (t) => {
    const chain = buildHeaders(10_000);
    const folder = workerFolder();
    // The first run: follows from genesis and seals its checkpoint at 9,990.
    const first = clientAtGenesis(chain);
    for (const block of chain.blocks.slice(0, 9_990)) first.importHeader(block);
    folder.store().save(first.checkpoint());

    // The restart, with the chain at 10,000: a new store and provider over the same folder and machine.
    const started = performance.now();
    const checkpoint = folder.store().load(chain.genesisHash);
    assert.ok(checkpoint);
    const resumed = resumeLightClient(checkpoint.lightClient);
    assert.equal(resumed.head().header.number, 9_990);
    for (const block of chain.blocks.slice(resumed.head().header.number)) resumed.importHeader(block);
    const resumedMs = performance.now() - started;
    assert.equal(resumed.verifiedHeaders(), 10);
    assert.equal(resumed.head().header.number, 10_000);
    assert.deepEqual(resumed.head().hash, hashHeader(chain.blocks[9_999]!.header));

    // What the restart cost before checkpoints: every header from genesis.
    const fromGenesisStarted = performance.now();
    const fromGenesis = clientAtGenesis(chain);
    for (const block of chain.blocks) fromGenesis.importHeader(block);
    const fromGenesisMs = performance.now() - fromGenesisStarted;
    assert.equal(fromGenesis.verifiedHeaders(), 10_000);
    assert.deepEqual(fromGenesis.head(), resumed.head());
    t.diagnostic(
      `restart at 10,000 from a checkpoint at 9,990: ${resumed.verifiedHeaders()} headers verified in ` +
        `${resumedMs.toFixed(1)} ms (unseal included); from genesis: ${fromGenesis.verifiedHeaders()} in ` +
        `${fromGenesisMs.toFixed(0)} ms (headers only, no RPC)`,
    );
  });

  it('has nothing to resume from in a fresh data folder', () => {
    assert.equal(workerFolder().store().load(buildHeaders(0).genesisHash), undefined);
  });

  it('keeps one file, replaced by each save, with the role views of its head', () => {
    const chain = buildHeaders(3);
    const folder = workerFolder();
    const client = clientAtGenesis(chain);
    const store = folder.store();
    for (const block of chain.blocks) {
      client.importHeader(block);
      store.save(client.checkpoint(), new Map([['gatekeeper', Uint8Array.of(block.header.number)]]));
    }
    assert.deepEqual(readdirSync(folder.dataDir), [CHECKPOINT_FILE]);
    const loaded = folder.store().load(chain.genesisHash)!;
    assert.equal(loaded.lightClient.head.number, 3);
    assert.deepEqual(loaded.views, new Map([['gatekeeper', Uint8Array.of(3)]]));
  });

  it('refuses a checkpoint of another chain with CheckpointOtherChain', () => {
    const chain = buildHeaders(2);
    const other = buildHeaders(2, 1_600_000_000_000n);
    const folder = workerFolder();
    const client = clientAtGenesis(other);
    for (const block of other.blocks) client.importHeader(block);
    folder.store().save(client.checkpoint());
    assert.throws(() => folder.store().load(chain.genesisHash), {
      name: 'LightClientError',
      code: 'CheckpointOtherChain',
    });
  });

  const damages: [string, string, (path: string, folder: ReturnType<typeof workerFolder>) => void][] = [
    [
      'a flipped byte',
      'UnsealFailed',
      (path) => {
        const bytes = readFileSync(path);
        bytes[bytes.length - 20]! ^= 0x01;
        writeFileSync(path, bytes);
      },
    ],
    ['truncation', 'UnsealFailed', (path) => writeFileSync(path, readFileSync(path).subarray(0, 60))],
    ['an empty file', 'SealedFileCorrupt', (path) => writeFileSync(path, new Uint8Array(0))],
    ['bytes that are not a sealed file', 'SealedFileCorrupt', (path) => writeFileSync(path, 'not sealed')],
    [
      'another sealed file of the worker (its identity) put in its place',
      'UnsealFailed',
      (path, folder) => {
        const sealing = createSimSealingProvider({
          machineDir: folder.machineDir,
          measurement: SIM_DEFAULT_MRENCLAVE,
        });
        loadOrCreateIdentity(folder.dataDir, sealing);
        copyFileSync(join(folder.dataDir, IDENTITY_FILE), path);
      },
    ],
    [
      'a checkpoint sealed on another machine',
      'UnsealFailed',
      (path) => {
        const elsewhere = workerFolder();
        const chain = buildHeaders(1);
        elsewhere.store().save(clientAtGenesis(chain).checkpoint());
        copyFileSync(join(elsewhere.dataDir, CHECKPOINT_FILE), path);
      },
    ],
  ];
  for (const [what, reason, damage] of damages) {
    it(`refuses ${what} with CheckpointInvalid (${reason}), never another error`, () => {
      const chain = buildHeaders(1);
      const folder = workerFolder();
      const client = clientAtGenesis(chain);
      client.importHeader(chain.blocks[0]!);
      folder.store().save(client.checkpoint());
      damage(join(folder.dataDir, CHECKPOINT_FILE), folder);
      assert.throws(
        () => folder.store().load(chain.genesisHash),
        (error: unknown) => {
          assert.equal((error as Error).name, 'LightClientError');
          assert.equal((error as { code?: string }).code, 'CheckpointInvalid');
          assert.equal((error as { details?: { reason?: string } }).details?.reason, reason);
          return true;
        },
      );
    });
  }

  it('reports a write it cannot make as CheckpointWriteFailed', () => {
    const chain = buildHeaders(0);
    const blocked = fresh('file');
    writeFileSync(blocked, 'a file where the data folder should be');
    const store = createCheckpointStore({
      dataDir: blocked,
      sealing: createSimSealingProvider({ machineDir: fresh('machine'), measurement: SIM_DEFAULT_MRENCLAVE }),
    });
    assert.throws(() => store.save(clientAtGenesis(chain).checkpoint()), { code: 'CheckpointWriteFailed' });
  });
});
