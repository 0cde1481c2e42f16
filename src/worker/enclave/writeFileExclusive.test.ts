import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { writeFileExclusive } from './writeFileExclusive.js';

const root = mkdtempSync(join(tmpdir(), 'phalanx-exclusive-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('writeFileExclusive', () => {
  test('creates the file whole, with the given mode, and leaves no temp file', () => {
    const dir = mkdtempSync(join(root, 'a-'));
    assert.equal(writeFileExclusive(join(dir, 'f'), Uint8Array.of(1, 2, 3), 0o600), true);
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'f'))), Uint8Array.of(1, 2, 3));
    assert.equal(statSync(join(dir, 'f')).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['f']);
  });

  test('never replaces an existing file: returns false and writes nothing', () => {
    const dir = mkdtempSync(join(root, 'b-'));
    writeFileSync(join(dir, 'f'), 'theirs');
    assert.equal(writeFileExclusive(join(dir, 'f'), Uint8Array.of(9)), false);
    assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'theirs');
    assert.deepEqual(readdirSync(dir), ['f']);
  });
});
