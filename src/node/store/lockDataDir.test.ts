import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { StoreError } from '../errors.js';
import { LOCK_FILE, lockDataDir } from './lockDataDir.js';

/** The PID of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phalanx-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes our PID to the lock file and removes it on release', () => {
    const lock = lockDataDir(dir);
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), `${process.pid}\n`);
    lock.release();
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
    lock.release();
  });

  it('refuses a folder that is already locked, naming the PID, and takes it once released', () => {
    const first = lockDataDir(dir);
    assert.throws(
      () => lockDataDir(dir),
      (error: unknown) =>
        error instanceof StoreError &&
        error.code === 'DataDirLocked' &&
        error.details.pid === process.pid &&
        error.message.includes(`in use by process ${process.pid}`),
    );
    first.release();
    lockDataDir(dir).release();
  });

  it('takes over a lock left by a process that is gone', () => {
    const pid = deadPid();
    writeFileSync(join(dir, LOCK_FILE), `${pid}\n`);
    const lock = lockDataDir(dir);
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), `${process.pid}\n`);
    lock.release();
  });

  it('takes over a lock that names our own PID but that this process does not hold', () => {
    // A restarted container often gives the new process the PID the old one had.
    writeFileSync(join(dir, LOCK_FILE), `${process.pid}\n`);
    lockDataDir(dir).release();
  });

  it('takes over an empty or garbled lock file', () => {
    writeFileSync(join(dir, LOCK_FILE), 'not a pid');
    lockDataDir(dir).release();
  });

  it('refuses a lock held by a running process it did not start', () => {
    // PID 1 always runs; it is not us.
    writeFileSync(join(dir, LOCK_FILE), '1\n');
    assert.throws(
      () => lockDataDir(dir),
      (error: unknown) =>
        error instanceof StoreError && error.code === 'DataDirLocked' && error.details.pid === 1,
    );
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), '1\n');
  });
});
