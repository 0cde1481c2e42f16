import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { writeFileAtomic } from './writeFileAtomic.js';

const root = mkdtempSync(join(tmpdir(), 'phalanx-atomic-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  test('creates the file whole, with the given mode, and leaves no temp file', () => {
    const dir = mkdtempSync(join(root, 'a-'));
    writeFileAtomic(join(dir, 'f'), Uint8Array.of(1, 2, 3), 0o600);
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'f'))), Uint8Array.of(1, 2, 3));
    assert.equal(statSync(join(dir, 'f')).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['f']);
  });

  test('replaces an existing file with the new bytes, longer or shorter, leaving one file', () => {
    const dir = mkdtempSync(join(root, 'b-'));
    writeFileSync(join(dir, 'f'), 'the old and longer contents');
    writeFileAtomic(join(dir, 'f'), Uint8Array.of(9));
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'f'))), Uint8Array.of(9));
    writeFileAtomic(join(dir, 'f'), Uint8Array.of(7, 7));
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'f'))), Uint8Array.of(7, 7));
    assert.deepEqual(readdirSync(dir), ['f']);
  });

  test('leaves the old file and no temp file when the rename fails', () => {
    const dir = mkdtempSync(join(root, 'c-'));
    // A folder in the way: rename of a file over a non-empty folder fails.
    mkdirSync(join(dir, 'f'));
    writeFileSync(join(dir, 'f', 'inside'), 'kept');
    assert.throws(() => writeFileAtomic(join(dir, 'f'), Uint8Array.of(1)));
    assert.equal(readFileSync(join(dir, 'f', 'inside'), 'utf8'), 'kept');
    assert.deepEqual(readdirSync(dir), ['f']);
  });
});
