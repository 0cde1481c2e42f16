// The on-disk collateral cache: one JSON file per item, keyed by kind (and FMSPC, CA or TEE where
// the item depends on them). Writes are atomic (temporary file, then rename), so a crash or a
// concurrent reader never sees half a file; a file that does not parse is a miss, not a crash.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CollateralCache {
  read<T extends { nextUpdate: number }>(key: string): Promise<T | undefined>;
  write(key: string, item: { nextUpdate: number }): Promise<void>;
}

const KEY = /^[a-z0-9-]{1,80}$/;

function fileFor(dir: string, key: string): string {
  // Keys come from our own code, but an FMSPC is caller input: never let it name another path.
  if (!KEY.test(key)) throw new Error(`invalid cache key: ${key}`);
  return join(dir, `${key}.json`);
}

export function createCollateralCache(dir: string): CollateralCache {
  return {
    async read<T extends { nextUpdate: number }>(key: string): Promise<T | undefined> {
      let text: string;
      try {
        text = await readFile(fileFor(dir, key), 'utf8');
      } catch {
        return undefined;
      }
      try {
        const item = JSON.parse(text) as T;
        return typeof item?.nextUpdate === 'number' ? item : undefined;
      } catch {
        return undefined;
      }
    },
    async write(key: string, item: { nextUpdate: number }): Promise<void> {
      await mkdir(dir, { recursive: true });
      const file = fileFor(dir, key);
      const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temp, JSON.stringify(item), { mode: 0o644 });
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
  };
}
