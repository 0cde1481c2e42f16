// Test support: in-process nodes on the etcd ordering, each with its own data folder and, when asked,
// its RPC server (peers catch up from it). The chain is the dev genesis with the dev accounts
// alice, bob, charlie and dave as its block authorities; the clock is the real one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { devKeypair } from '../../../../codec/devKeys.js';
import { createDevGenesisConfig } from '../../../../runtime/index.js';
import { createNode, type Node, type NodeRole } from '../../../createNode.js';
import { createRpcServer, type RpcServer } from '../../../rpc/createRpcServer.js';

export const ETCD_TEST_AUTHORITIES = ['alice', 'bob', 'charlie', 'dave'] as const;
export type TestAuthority = (typeof ETCD_TEST_AUTHORITIES)[number];

/** A dev genesis with the four test authorities, stamped a little in the past. */
export function etcdTestGenesis(): Record<string, unknown> {
  return {
    ...createDevGenesisConfig({
      authorities: ETCD_TEST_AUTHORITIES.map((name) => devKeypair(name).publicKey),
    }),
    timestamp: Date.now() - 60_000,
  };
}

export interface EtcdTestNode {
  readonly node: Node;
  readonly name: string;
  readonly dataDir: string;
  readonly rpcUrl: string | undefined;
  /** Stops the node (and its server) and removes its folder. */
  close(): Promise<void>;
}

export interface StartEtcdNodeOptions {
  endpoints: readonly string[];
  /** The dev account whose key this node seals with; its name is the node's name too. */
  authority: TestAuthority;
  genesis: unknown;
  /** Key prefix, one per test, so that tests can share a cluster. */
  prefix: string;
  blockIntervalMs?: number;
  withRpc?: boolean;
  extra?: Partial<Extract<NodeRole, { kind: 'etcd' }>>;
  logLevel?: string;
  /** This node's clock (default Date.now). */
  clock?: () => number;
}

export async function startEtcdNode(options: StartEtcdNodeOptions): Promise<EtcdTestNode> {
  const dataDir = mkdtempSync(join(tmpdir(), `phalanx-etcd-${options.authority}-`));
  const node = createNode({
    dataDir,
    genesis: options.genesis,
    blockIntervalMs: options.blockIntervalMs ?? 50,
    ...(options.clock ? { clock: options.clock } : {}),
    logger: pino({ level: options.logLevel ?? process.env.PHALANX_TEST_LOG ?? 'silent' }),
    role: {
      kind: 'etcd',
      endpoints: options.endpoints,
      name: options.authority,
      authoritySeed: devKeypair(options.authority).secretSeed,
      prefix: options.prefix,
      ...options.extra,
    },
  });
  let server: RpcServer | undefined;
  try {
    if (options.withRpc) server = await createRpcServer({ chain: node, host: '127.0.0.1', port: 0 });
    await node.start(server ? { rpcUrl: server.url } : {});
  } catch (error) {
    await node.stop();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    node,
    name: options.authority,
    dataDir,
    rpcUrl: server?.url,
    close() {
      closing ??= (async () => {
        await node.stop();
        await server?.close();
        rmSync(dataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

/** Polls `predicate` every 20 ms until it holds; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Block hashes of heights 1..upTo on every node must be the same; returns how many were compared. */
export function differingHeights(nodes: readonly Node[], upTo: number): number[] {
  const differing: number[] = [];
  for (let height = 1; height <= upTo; height++) {
    const hashes = new Set(
      nodes.map((node) => {
        const hash = node.getBlockHash(height);
        return hash ? Buffer.from(hash).toString('hex') : 'missing';
      }),
    );
    if (hashes.size !== 1 || hashes.has('missing')) differing.push(height);
  }
  return differing;
}
