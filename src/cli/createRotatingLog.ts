// A log file that cannot fill the disk: a devnet left running for a month writes its children's
// output here, and at info level a worker answering challenges writes a few MB a day. When the file
// would pass `maxBytes` it is renamed to `<file>.1` (replacing the previous one) and a new file is
// started, so at most about twice `maxBytes` is ever kept per log.
import { closeSync, openSync, renameSync, statSync, writeSync } from 'node:fs';

/** Default cap of one log file (the kept copy doubles it). */
export const DEFAULT_LOG_MAX_BYTES = 16 * 1024 * 1024;

export interface RotatingLog {
  write(chunk: Uint8Array): void;
  close(): void;
}

export function createRotatingLog(path: string, maxBytes: number = DEFAULT_LOG_MAX_BYTES): RotatingLog {
  let fd = openSync(path, 'a');
  let size = statSync(path).size;
  let closed = false;
  return {
    write(chunk) {
      if (closed) return;
      if (size > 0 && size + chunk.length > maxBytes) {
        closeSync(fd);
        renameSync(path, `${path}.1`);
        fd = openSync(path, 'a');
        size = 0;
      }
      writeSync(fd, chunk);
      size += chunk.length;
    },
    /** Idempotent; writes after it are dropped. */
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}
