import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SIM_DEFAULT_MRENCLAVE } from '../../attestation/sim/simDefaults.js';
import { decryptFromX25519, encryptToX25519 } from '../../codec/encryption.js';
import { blake2b256 } from '../../codec/hash.js';
import { ed25519Verify, generateEd25519, generateX25519 } from '../../codec/keys.js';
import { MASTER_KEY_BOX_INFO } from '../../runtime/gatekeeper/types.js';
import { NETWORK_KEY_INFO } from '../enclave/enclaveCore.js';
import { loadOrCreateIdentity } from '../enclave/identity.js';
import { createSimSealingProvider } from '../enclave/sealing/createSimSealingProvider.js';
import { createGatekeeperCore } from './createGatekeeperCore.js';

const root = mkdtempSync(join(tmpdir(), 'phalanx-gk-core-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const sealingFor = (machine: string) =>
  createSimSealingProvider({ machineDir: machine, measurement: SIM_DEFAULT_MRENCLAVE });

describe('gatekeeper core', () => {
  it('generates the master key once, sealed, and keeps it across a restart', () => {
    const dataDir = join(root, `gk-${n++}`);
    const sealing = sealingFor(join(root, `m-${n++}`));
    const core = createGatekeeperCore({ dataDir, sealing });
    const master = core.masterKeyToPublish();
    assert.deepEqual(core.masterKeyToPublish(), master);
    assert.equal(readdirSync(dataDir).filter((f) => f.startsWith('master-')).length, 1);
    const restarted = createGatekeeperCore({ dataDir, sealing });
    assert.equal(restarted.holdsMaster(master), true);
    const message = new Uint8Array([1, 2, 3]);
    assert.equal(ed25519Verify(master, message, restarted.signAsMaster(master, message)), true);
  });

  it('hands a worker the network key it derives, and another gatekeeper the master key itself', () => {
    const sealingA = sealingFor(join(root, `m-${n++}`));
    const dirA = join(root, `gk-${n++}`);
    const a = createGatekeeperCore({ dataDir: dirA, sealing: sealingA });
    const master = a.masterKeyToPublish();
    const worker = generateX25519();
    const networkKey = decryptFromX25519(
      worker.secretSeed,
      worker.publicKey,
      a.networkKeyBoxFor(master, worker.publicKey),
      NETWORK_KEY_INFO,
    );
    assert.deepEqual(blake2b256(networkKey), a.networkKeyFingerprint(master));

    const sealingB = sealingFor(join(root, `m-${n++}`));
    const dirB = join(root, `gk-${n++}`);
    const b = createGatekeeperCore({ dataDir: dirB, sealing: sealingB });
    const { identity } = loadOrCreateIdentity(dirB, sealingB);
    b.acceptSharedMasterKey(a.masterKeyBoxFor(master, identity.ecdh.publicKey), master);
    assert.deepEqual(b.networkKeyFingerprint(master), a.networkKeyFingerprint(master));
  });

  it('refuses a shared key that is not the chain’s master key, or not addressed to it, and stores nothing', () => {
    const sealing = sealingFor(join(root, `m-${n++}`));
    const dataDir = join(root, `gk-${n++}`);
    const core = createGatekeeperCore({ dataDir, sealing });
    const { identity } = loadOrCreateIdentity(dataDir, sealing);
    const other = generateEd25519();
    const chainMaster = generateEd25519().publicKey;
    const box = encryptToX25519(identity.ecdh.publicKey, other.secretSeed, MASTER_KEY_BOX_INFO);
    assert.throws(() => core.acceptSharedMasterKey(box, chainMaster), { code: 'MasterKeyMismatch' });
    const misaddressed = encryptToX25519(generateX25519().publicKey, other.secretSeed, MASTER_KEY_BOX_INFO);
    assert.throws(() => core.acceptSharedMasterKey(misaddressed, other.publicKey), {
      code: 'MasterKeyMismatch',
    });
    assert.deepEqual(core.heldMasterPubkeys(), []);
    assert.deepEqual(
      readdirSync(dataDir).filter((f) => f.startsWith('master-')),
      [],
    );
  });
});
