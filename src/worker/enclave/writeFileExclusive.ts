// Create-if-absent that is atomic and durable: the file appears complete or not at all, and an
// existing file is never replaced. rename() would replace a file another process created meanwhile,
// so the temp file is hard-linked into place instead (link fails with EEXIST, which is the point).
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

export function fsyncDirectory(dir: string): void {
  // Makes the new directory entry itself durable (a file fsync does not cover its name).
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms and filesystems refuse fsync on directories; the data itself is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `bytes` to `path` only if `path` does not exist. Returns false, writing nothing, when it
 * does. Other I/O errors are thrown as they come (the caller wraps them in its own error).
 */
export function writeFileExclusive(path: string, bytes: Uint8Array, mode = 0o600): boolean {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', mode);
  try {
    try {
      writeAll(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temp, path);
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') return false;
      if (errnoOf(error) !== 'EPERM' && errnoOf(error) !== 'ENOTSUP' && errnoOf(error) !== 'EOPNOTSUPP')
        throw error;
      // Filesystems without hard links: O_EXCL still never replaces a file; a crash mid-write leaves a
      // short file that the reader reports as corrupt rather than trusting or overwriting.
      return writeWithExclusiveOpen(path, bytes, mode);
    }
    fsyncDirectory(dir);
    return true;
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // Already gone; nothing to clean up.
    }
  }
}

function writeWithExclusiveOpen(path: string, bytes: Uint8Array, mode: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', mode);
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeAll(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  fsyncDirectory(dirname(path));
  return true;
}
