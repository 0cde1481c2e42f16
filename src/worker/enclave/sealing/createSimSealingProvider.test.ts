import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { utf8 } from '../../../codec/bytes.js';
import { createSimSealingProvider, SIM_MACHINE_SECRET_FILE } from './createSimSealingProvider.js';

const root = mkdtempSync(join(tmpdir(), 'phalanx-sim-sealing-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `machine-${n++}`);

const MRENCLAVE = new Uint8Array(32).fill(7);
const OTHER_MRENCLAVE = new Uint8Array(32).fill(8);
const secret = utf8('identity keys');

describe('sim sealing provider (insecure)', () => {
  test('creates a 32-byte machine secret with mode 0600 once, and reuses it', () => {
    const machineDir = freshDir();
    const first = createSimSealingProvider({ machineDir, measurement: MRENCLAVE });
    const path = join(machineDir, SIM_MACHINE_SECRET_FILE);
    const bytes = readFileSync(path);
    assert.equal(bytes.length, 32);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const second = createSimSealingProvider({ machineDir, measurement: MRENCLAVE });
    assert.deepEqual(readFileSync(path), bytes);
    assert.deepEqual(second.unseal(first.seal(secret, 'label'), 'label'), secret);
  });

  test('a file sealed on another sim machine does not open', () => {
    const sealed = createSimSealingProvider({ machineDir: freshDir(), measurement: MRENCLAVE }).seal(
      secret,
      'label',
    );
    const other = createSimSealingProvider({ machineDir: freshDir(), measurement: MRENCLAVE });
    assert.throws(() => other.unseal(sealed, 'label'), { name: 'EnclaveError', code: 'UnsealFailed' });
  });

  test('a file sealed under another measurement does not open on the same machine', () => {
    const machineDir = freshDir();
    const sealed = createSimSealingProvider({ machineDir, measurement: MRENCLAVE }).seal(secret, 'label');
    const upgraded = createSimSealingProvider({ machineDir, measurement: OTHER_MRENCLAVE });
    assert.throws(() => upgraded.unseal(sealed, 'label'), { name: 'EnclaveError', code: 'UnsealFailed' });
  });

  test('a sealed blob opens only under the label it was sealed for', () => {
    const sim = createSimSealingProvider({ machineDir: freshDir(), measurement: MRENCLAVE });
    assert.throws(() => sim.unseal(sim.seal(secret, 'a'), 'b'), { code: 'UnsealFailed' });
  });

  test('corrupt, truncated and flipped blobs are typed errors', () => {
    const sim = createSimSealingProvider({ machineDir: freshDir(), measurement: MRENCLAVE });
    const sealed = sim.seal(secret, 'label');
    assert.throws(() => sim.unseal(new Uint8Array(), 'label'), { code: 'SealedFileCorrupt' });
    assert.throws(() => sim.unseal(sealed.subarray(0, 20), 'label'), { code: 'SealedFileCorrupt' });
    const badMagic = sealed.slice();
    badMagic[0]! ^= 1;
    assert.throws(() => sim.unseal(badMagic, 'label'), { code: 'SealedFileCorrupt' });
    const otherKind = sealed.slice();
    otherKind[5] = 2; // sgx
    assert.throws(() => sim.unseal(otherKind, 'label'), { code: 'SealedByOtherProvider' });
    for (const at of [6, 20, sealed.length - 1]) {
      const flipped = sealed.slice();
      flipped[at]! ^= 0x80;
      assert.throws(() => sim.unseal(flipped, 'label'), { code: 'UnsealFailed' });
    }
  });

  test('refuses a machine secret of the wrong size rather than replacing it', () => {
    const machineDir = freshDir();
    createSimSealingProvider({ machineDir, measurement: MRENCLAVE });
    const path = join(machineDir, SIM_MACHINE_SECRET_FILE);
    writeFileSync(path, new Uint8Array(5));
    assert.throws(() => createSimSealingProvider({ machineDir, measurement: MRENCLAVE }), {
      code: 'SealingKeyUnavailable',
    });
    assert.equal(readFileSync(path).length, 5);
  });

  test('refuses a measurement that is neither an MRENCLAVE nor an MRTD', () => {
    assert.throws(
      () => createSimSealingProvider({ machineDir: freshDir(), measurement: new Uint8Array(20) }),
      {
        code: 'InvalidConfig',
      },
    );
  });
});
