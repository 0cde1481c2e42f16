import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ed25519Sign, ed25519Verify, x25519FromSecret } from '../../codec/keys.js';
import { IDENTITY_FILE, IDENTITY_LABEL, loadOrCreateIdentity } from './identity.js';
import { createSimSealingProvider } from './sealing/createSimSealingProvider.js';

const root = mkdtempSync(join(tmpdir(), 'phalanx-identity-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (what: string) => join(root, `${what}-${n++}`);

const MRENCLAVE = new Uint8Array(32).fill(1);
const simSealing = (machineDir: string, measurement = MRENCLAVE) =>
  createSimSealingProvider({ machineDir, measurement });

describe('worker identity', () => {
  test('first start generates and seals the keys; a restart unseals the same keys', () => {
    const dataDir = fresh('data');
    const machine = fresh('machine');
    const first = loadOrCreateIdentity(dataDir, simSealing(machine));
    assert.equal(first.created, true);
    const path = join(dataDir, IDENTITY_FILE);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const onDisk = readFileSync(path);
    // The secrets are not on disk in the clear.
    assert.ok(!onDisk.includes(Buffer.from(first.identity.signing.secretSeed)));
    assert.ok(!onDisk.includes(Buffer.from(first.identity.ecdh.secretSeed)));

    const restart = loadOrCreateIdentity(dataDir, simSealing(machine));
    assert.equal(restart.created, false);
    assert.deepEqual(restart.identity.signing.publicKey, first.identity.signing.publicKey);
    assert.deepEqual(restart.identity.ecdh.publicKey, first.identity.ecdh.publicKey);
    const message = Uint8Array.of(1, 2, 3);
    assert.ok(
      ed25519Verify(
        first.identity.signing.publicKey,
        message,
        ed25519Sign(restart.identity.signing.secretSeed, message),
      ),
    );
    assert.deepEqual(
      x25519FromSecret(restart.identity.ecdh.secretSeed).publicKey,
      first.identity.ecdh.publicKey,
    );
    // Only the sealed file remains: temp files are gone.
    assert.deepEqual(readdirSync(dataDir), [IDENTITY_FILE]);
  });

  test('a data folder from another machine is refused and left untouched', () => {
    const dataDir = fresh('data');
    loadOrCreateIdentity(dataDir, simSealing(fresh('machine')));
    const before = readFileSync(join(dataDir, IDENTITY_FILE));
    assert.throws(() => loadOrCreateIdentity(dataDir, simSealing(fresh('machine'))), {
      name: 'EnclaveError',
      code: 'UnsealFailed',
    });
    assert.deepEqual(readFileSync(join(dataDir, IDENTITY_FILE)), before);
  });

  test('a data folder sealed under another measurement is refused and left untouched', () => {
    const dataDir = fresh('data');
    const machine = fresh('machine');
    loadOrCreateIdentity(dataDir, simSealing(machine));
    const before = readFileSync(join(dataDir, IDENTITY_FILE));
    assert.throws(() => loadOrCreateIdentity(dataDir, simSealing(machine, new Uint8Array(32).fill(2))), {
      code: 'UnsealFailed',
    });
    assert.deepEqual(readFileSync(join(dataDir, IDENTITY_FILE)), before);
  });

  test('a corrupt sealed file (empty, garbage) is SealedFileCorrupt and is not overwritten', () => {
    const machine = fresh('machine');
    for (const junk of [new Uint8Array(), new Uint8Array(100).fill(0x41)]) {
      const dataDir = fresh('data');
      loadOrCreateIdentity(dataDir, simSealing(machine));
      writeFileSync(join(dataDir, IDENTITY_FILE), junk);
      assert.throws(() => loadOrCreateIdentity(dataDir, simSealing(machine)), { code: 'SealedFileCorrupt' });
      assert.deepEqual(new Uint8Array(readFileSync(join(dataDir, IDENTITY_FILE))), junk);
    }
  });

  test('a sealed blob that opens but is not an identity is SealedFileCorrupt', () => {
    const dataDir = fresh('data');
    const machine = fresh('machine');
    loadOrCreateIdentity(dataDir, simSealing(machine));
    // Sealed with the right key and label, but holding the wrong bytes: only a bug could write this.
    writeFileSync(join(dataDir, IDENTITY_FILE), simSealing(machine).seal(new Uint8Array(10), IDENTITY_LABEL));
    assert.throws(() => loadOrCreateIdentity(dataDir, simSealing(machine)), { code: 'SealedFileCorrupt' });
  });

  test('an unreadable identity path is IdentityStoreFailed', () => {
    const dataDir = fresh('data');
    const machine = fresh('machine');
    // A directory where the file should be: exists, but cannot be read as a file.
    loadOrCreateIdentity(join(dataDir, IDENTITY_FILE), simSealing(machine));
    assert.throws(() => loadOrCreateIdentity(dataDir, simSealing(machine)), { code: 'IdentityStoreFailed' });
  });
});
