// The devnet's etcd cluster as it was created: member names, loopback ports and the cluster token,
// in <data>/etcd-cluster.json. Written once, like genesis.json, and read back on every later start:
// a member's peer URL is recorded in the cluster's own membership (its WAL), so a member restarted on
// other ports would no longer find its peers.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { findFreePorts } from '../node/ordering/etcd/findFreePorts.js';
import { UsageError } from './commands/cliSupport.js';

export const ETCD_CLUSTER_FILE = 'etcd-cluster.json';

const Port = z.number().int().min(1).max(65535);
const EtcdClusterFileSchema = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  members: z
    .array(z.object({ name: z.string().regex(/^etcd-\d+$/), clientPort: Port, peerPort: Port }))
    .min(1),
});
export type EtcdClusterFile = z.infer<typeof EtcdClusterFileSchema>;

/** The members' names: etcd-1 … etcd-N, beside node-1 … node-N. */
export function etcdMemberName(index: number): string {
  return `etcd-${index + 1}`;
}

export async function loadOrCreateEtcdCluster(dataDir: string, members: number): Promise<EtcdClusterFile> {
  const file = join(dataDir, ETCD_CLUSTER_FILE);
  if (existsSync(file)) {
    let kept: EtcdClusterFile;
    try {
      kept = EtcdClusterFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      throw new UsageError(
        `${file} is damaged (${(error as Error).message.split('\n')[0]}); use another --data-dir`,
      );
    }
    if (kept.members.length !== members) {
      throw new UsageError(
        `this devnet's etcd cluster (${file}) has ${kept.members.length} members; run it with --nodes ${kept.members.length}, or use --tmp or another --data-dir`,
      );
    }
    return kept;
  }
  const ports = await findFreePorts(2 * members);
  const created: EtcdClusterFile = {
    // Unique per cluster, so that members of two devnets that reuse ports never join each other.
    token: `phalanx-devnet-${randomBytes(8).toString('hex')}`,
    members: Array.from({ length: members }, (_, i) => ({
      name: etcdMemberName(i),
      clientPort: ports[2 * i]!,
      peerPort: ports[2 * i + 1]!,
    })),
  };
  writeFileSync(`${file}.tmp`, `${JSON.stringify(created, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return created;
}
