import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { utf8 } from '../../../codec/bytes.js';
import { createTdxSealingProvider } from './createTdxSealingProvider.js';

const root = mkdtempSync(join(tmpdir(), 'phalanx-tdx-sealing-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function keyFile(bytes: Uint8Array, mode = 0o600): string {
  const path = join(root, `key-${n++}`);
  writeFileSync(path, bytes, { mode });
  chmodSync(path, mode); // the umask may have narrowed the mode given to writeFileSync
  return path;
}

const secret = utf8('identity keys');

describe('tdx sealing provider (key from the key broker)', () => {
  test('seals under the provisioned key; the same key opens it, another does not', () => {
    const key = new Uint8Array(randomBytes(32));
    const sealed = createTdxSealingProvider({ keyFile: keyFile(key) }).seal(secret, 'id');
    assert.deepEqual(createTdxSealingProvider({ keyFile: keyFile(key) }).unseal(sealed, 'id'), secret);
    const other = createTdxSealingProvider({ keyFile: keyFile(new Uint8Array(randomBytes(32))) });
    assert.throws(() => other.unseal(sealed, 'id'), { name: 'EnclaveError', code: 'UnsealFailed' });
  });

  test('refuses a key file readable by group or others', () => {
    assert.throws(() => createTdxSealingProvider({ keyFile: keyFile(new Uint8Array(32), 0o644) }), {
      code: 'SealingKeyInsecure',
    });
  });

  test('refuses a missing, short or non-regular key file', () => {
    assert.throws(() => createTdxSealingProvider({ keyFile: join(root, 'absent') }), {
      code: 'SealingKeyUnavailable',
    });
    assert.throws(() => createTdxSealingProvider({ keyFile: keyFile(new Uint8Array(31)) }), {
      code: 'SealingKeyUnavailable',
    });
    assert.throws(() => createTdxSealingProvider({ keyFile: root }), { code: 'SealingKeyUnavailable' });
  });
});
