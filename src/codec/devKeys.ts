// Well-known development accounts (alice, bob, ...) for devnets, tests and examples. Their seeds are
// derived from public names, so anyone can sign as them: a production genesis must never fund or
// empower them. The node, the CLI, the worker and the runtime's dev genesis all share this list.
import { utf8 } from './bytes.js';
import { blake2b256 } from './hash.js';
import { ed25519FromSeed, type Keypair } from './keys.js';

export const DEV_ACCOUNT_NAMES = ['alice', 'bob', 'charlie', 'dave', 'eve', 'ferdie'] as const;

export type DevAccountName = (typeof DEV_ACCOUNT_NAMES)[number];

/** The seed of a development key: BLAKE2b-256 of `phalanx-dev/<name>`; any name works. */
export function devSeed(name: string): Uint8Array {
  return blake2b256(utf8(`phalanx-dev/${name}`));
}

const cache = new Map<string, Keypair>();

/** The keypair of a development account; the same object for the same name (signing caches by seed). */
export function devKeypair(name: string): Keypair {
  let keypair = cache.get(name);
  if (!keypair) {
    keypair = ed25519FromSeed(devSeed(name));
    cache.set(name, keypair);
  }
  return keypair;
}

export function isDevAccountName(name: string): name is DevAccountName {
  return (DEV_ACCOUNT_NAMES as readonly string[]).includes(name);
}
