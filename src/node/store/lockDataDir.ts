// One process per data folder. LMDB lets several processes open the same environment, so without a
// lock a second `phalanx node` (or devnet) on a folder in use starts anyway and both seal on the
// same head: the second one's commits are refused ("does not extend the stored head") every block
// and it serves a stale head. The lock is a file holding the holder's PID, created exclusively so
// that of two processes starting at once exactly one gets it.
//
// A holder that died without cleaning up (kill -9, power loss) leaves the file behind; a lock whose
// PID is not a running process is stale and is taken over. A PID reused by an unrelated process
// looks alive: the error then names the file, so an operator who knows better can remove it.
import { linkSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '../errors.js';

export const LOCK_FILE = 'LOCK';

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

// Folders this process holds: a lock file naming our own PID that is not in here was left by an
// earlier process that had the same PID (PIDs restart low in a fresh container), so it is stale.
const held = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PID in a lock file; undefined if it is gone or does not hold one (a crash mid-write). */
function readHolder(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^(\d{1,10})\n?$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

function isLive(path: string, pid: number | undefined): boolean {
  if (pid === undefined || pid <= 0) return false;
  if (pid === process.pid) return held.has(path);
  return isRunning(pid);
}

// The PID is written to a file of our own first and then hard-linked to the lock's name: link(2)
// fails with EEXIST like open(O_CREAT | O_EXCL), and the lock never exists without its PID, so no
// one can mistake a lock being written for a stale one.
function createExclusive(path: string): boolean {
  const draft = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(draft, `${process.pid}\n`);
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError(
      'DataDirLockFailed',
      `cannot create the lock file ${path}`,
      { path },
      { cause: error },
    );
  } finally {
    rmSync(draft, { force: true });
  }
}

function lockedError(dataDir: string, path: string, pid: number): StoreError {
  return new StoreError(
    'DataDirLocked',
    `the data folder ${dataDir} is in use by process ${pid}; stop it first (or, if no such process runs a node, remove ${path})`,
    { dataDir, pid, lockFile: path },
  );
}

/**
 * Takes the lock of `dataDir` (which must exist) for this process, or throws StoreError
 * DataDirLocked naming the PID that holds it. Released by `release()` or when the process exits.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  // A few rounds: each failed round means another process changed the file in between.
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(path)) return holdLock(path);
    const holder = readHolder(path);
    if (isLive(path, holder)) throw lockedError(dataDir, path, holder!);
    // Stale. Move that exact file aside (rename is atomic, so of several processes taking over only
    // one moves it), then compete for a fresh one like everyone else.
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue; // gone already: someone else is taking over
    }
    const moved = readHolder(aside);
    if (moved !== holder && isLive(path, moved)) {
      // Between our read and our rename another process took the lock over: give it back.
      try {
        linkSync(aside, path);
      } catch {
        // A third process holds a fresh lock now; either way the folder is in use.
      }
      unlinkSync(aside);
      throw lockedError(dataDir, path, moved!);
    }
    unlinkSync(aside);
  }
  const holder = readHolder(path);
  throw holder === undefined
    ? new StoreError('DataDirLockFailed', `cannot take the lock file ${path}: it keeps changing`, { path })
    : lockedError(dataDir, path, holder);
}

function holdLock(path: string): DataDirLock {
  held.add(path);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    held.delete(path);
    process.off('exit', release);
    // Only our own file: never remove a lock someone took over after a mistaken stale verdict.
    if (readHolder(path) === process.pid) {
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    }
  };
  // process.exit() and a fatal error skip the store's close(); a dead PID would be taken over
  // anyway, but a clean exit should leave nothing behind.
  process.on('exit', release);
  return { path, release };
}
