import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { utf8 } from '../../../codec/bytes.js';
import { createSgxSealingProvider } from './createSgxSealingProvider.js';
import { createSimSealingProvider } from './createSimSealingProvider.js';

const root = mkdtempSync(join(tmpdir(), 'phalanx-sgx-sealing-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A folder laid out like Gramine's /dev/attestation, with `_sgx_mrenclave` holding `key`. */
function gramineRoot(key: Uint8Array | undefined): string {
  const dir = join(root, `attestation-${n++}`);
  mkdirSync(join(dir, 'keys'), { recursive: true });
  if (key) writeFileSync(join(dir, 'keys', '_sgx_mrenclave'), key);
  return dir;
}

const secret = utf8('identity keys');

describe('sgx sealing provider (Gramine)', () => {
  test('seals under the 16-byte _sgx_mrenclave key and opens again with the same key', () => {
    const key = new Uint8Array(16).fill(3);
    const sealed = createSgxSealingProvider({ attestationRoot: gramineRoot(key) }).seal(secret, 'id');
    const again = createSgxSealingProvider({ attestationRoot: gramineRoot(key) });
    assert.equal(again.kind, 'sgx');
    assert.deepEqual(again.unseal(sealed, 'id'), secret);
  });

  test('another enclave or CPU (another _sgx_mrenclave key) cannot open it', () => {
    const sealed = createSgxSealingProvider({
      attestationRoot: gramineRoot(new Uint8Array(16).fill(3)),
    }).seal(secret, 'id');
    const other = createSgxSealingProvider({ attestationRoot: gramineRoot(new Uint8Array(16).fill(4)) });
    assert.throws(() => other.unseal(sealed, 'id'), { name: 'EnclaveError', code: 'UnsealFailed' });
  });

  test('a sim-sealed file is reported as sealed by another provider', () => {
    const sim = createSimSealingProvider({ machineDir: join(root, 'sim'), measurement: new Uint8Array(32) });
    const sgx = createSgxSealingProvider({ attestationRoot: gramineRoot(new Uint8Array(16)) });
    assert.throws(() => sgx.unseal(sim.seal(secret, 'id'), 'id'), { code: 'SealedByOtherProvider' });
  });

  test('a missing key file or one that is not 16 bytes is SealingKeyUnavailable', () => {
    assert.throws(() => createSgxSealingProvider({ attestationRoot: gramineRoot(undefined) }), {
      code: 'SealingKeyUnavailable',
    });
    assert.throws(() => createSgxSealingProvider({ attestationRoot: gramineRoot(new Uint8Array(32)) }), {
      code: 'SealingKeyUnavailable',
    });
  });
});
