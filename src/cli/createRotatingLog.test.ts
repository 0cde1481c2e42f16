import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRotatingLog } from './createRotatingLog.js';

describe('rotating log', () => {
  it('keeps at most the current file and one older copy, each under its cap', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phalanx-log-'));
    try {
      const path = join(dir, 'worker.log');
      const log = createRotatingLog(path, 1000);
      const line = new TextEncoder().encode(`${'x'.repeat(99)}\n`);
      for (let i = 0; i < 100; i++) log.write(line);
      log.close();
      assert.ok(statSync(path).size <= 1000);
      assert.ok(statSync(`${path}.1`).size <= 1000);
      assert.ok(!existsSync(`${path}.2`));
      // Nothing is lost within what is kept: the newest lines are whole.
      assert.equal(readFileSync(path, 'utf8').split('\n').filter(Boolean).length, statSync(path).size / 100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('appends to an existing file and counts what is already there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phalanx-log-'));
    try {
      const path = join(dir, 'node.log');
      const first = createRotatingLog(path, 300);
      first.write(new Uint8Array(250).fill(65));
      first.close();
      const second = createRotatingLog(path, 300);
      second.write(new Uint8Array(100).fill(66));
      second.close();
      assert.equal(statSync(`${path}.1`).size, 250);
      assert.equal(statSync(path).size, 100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
