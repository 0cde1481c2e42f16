// Replace-in-place that is atomic and durable, for state that is rewritten as it moves on (the light
// client checkpoint): the file holds either the old bytes or the new ones, never a mix, whatever
// moment the process or the machine dies. Temp file in the same folder, fsync, rename over the old
// file (atomic on POSIX within one filesystem), fsync of the folder so the rename itself survives.
// For files that must never be replaced, use writeFileExclusive.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDirectory, writeAll } from './writeFileExclusive.js';

/** Writes `bytes` to `path`, replacing what was there at once. I/O errors are thrown as they come. */
export function writeFileAtomic(path: string, bytes: Uint8Array, mode = 0o600): void {
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
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Never created or already renamed; nothing to clean up.
    }
    throw error;
  }
  fsyncDirectory(dir);
}
