// The local `etcd` binary and its members' health, for whoever starts members on this machine: the
// devnet (src/cli/startDevnetCluster.ts) and the test clusters (testing/startEtcdCluster.ts).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NodeError } from '../../errors.js';

/** The full path of an executable on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (folder === '') continue;
    const path = join(folder, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  return undefined;
}

/** The `etcd` executable on PATH; NodeError `EtcdNotInstalled` naming Debian's package, after `why`, if there is none. */
export function requireEtcdExecutable(why: string): string {
  const etcd = findOnPath('etcd');
  if (etcd === undefined) {
    throw new NodeError(
      'EtcdNotInstalled',
      `${why}etcd is not on PATH: install Debian's etcd-server (apt-get install etcd-server)`,
      { path: process.env.PATH },
    );
  }
  return etcd;
}

/** Whether a member's /health body says healthy: {"health":"true"} (3.4) or {"health":"true","reason":""} (3.5+). */
export function isEtcdHealthy(body: string): boolean {
  try {
    return (JSON.parse(body) as { health?: unknown }).health === 'true';
  } catch {
    return false;
  }
}
