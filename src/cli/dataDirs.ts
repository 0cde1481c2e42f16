// Where `phalanx node` and `phalanx devnet` keep their data when not told: $PHALANX_HOME/<role>, else
// .phalanx/<role> under the current folder, so that a devnet survives restarts by default.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultDataDir(role: 'node' | 'devnet'): string {
  return resolve(process.env.PHALANX_HOME || '.phalanx', role);
}

/**
 * The dashboard's files, when the package has them: web/ beside src/ and dist/ (this file is two
 * folders below either, so the same relative path works from sources and from the build).
 */
export function dashboardDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../web/', import.meta.url));
  return existsSync(resolve(dir, 'index.html')) ? dir : undefined;
}
