// registry: the handlers of its JSON-RPC methods (schemas.ts), over its queries.
import { INTEL_IAS_SIGNING_CA_DER, INTEL_SGX_ROOT_CA_DER } from '../../attestation/roots/intelRoots.js';
import { parseCertificate } from '../../attestation/x509/parseCertificate.js';
import { equalBytes, toHex } from '../../codec/bytes.js';
import { blake2b256 } from '../../codec/hash.js';
import { implement } from '../../codec/rpcSpec.js';
import type { ModuleRpcMethod, QueryContext } from '../api.js';
import { getPolicy, getWorker, listWorkers } from './queries.js';
import { DEFAULT_WORKER_PAGE, policyToJson, registryRpc } from './schemas.js';
import { Policy } from './storage.js';
import { type RegistryPolicy, RegistryPolicyCodec } from './types.js';
import { workerToJson } from './workerToJson.js';

const INTEL_ROOTS = [INTEL_SGX_ROOT_CA_DER, INTEL_IAS_SIGNING_CA_DER];

function isIntelRoot(der: Uint8Array): boolean {
  return INTEL_ROOTS.some((root) => equalBytes(root, der));
}

/** Whether the policy trusts any root but Intel's: then no evidence on this chain proves anything. */
function trustsNonIntelRoot(policy: RegistryPolicy | undefined): boolean {
  return policy?.trustedRoots.some((der) => !isIntelRoot(der)) ?? false;
}

function rootSubject(der: Uint8Array): string {
  try {
    return parseCertificate(der, 'trusted root').x509.subject.replaceAll('\n', ', ');
  } catch {
    // The registry validated every root when the policy was set; this is only for display.
    return '(unparsable certificate)';
  }
}

export const registryRpcMethods: readonly ModuleRpcMethod[] = [
  implement(registryRpc.getWorker, ({ state }: QueryContext, [pubkey]) => {
    const view = getWorker(state, pubkey);
    return view ? workerToJson(view, trustsNonIntelRoot(getPolicy(state))) : null;
  }),

  implement(registryRpc.listWorkers, ({ state, head, scan }: QueryContext, [page]) => {
    const limit = page?.limit ?? DEFAULT_WORKER_PAGE;
    const simInsecure = trustsNonIntelRoot(getPolicy(state));
    const listing = listWorkers();
    const startAfter = page?.startAfter === undefined ? undefined : listing.keyOf(page.startAfter);
    // One entry more than asked tells whether another page follows.
    const entries = scan(listing.prefix, startAfter, limit + 1);
    const workers = entries
      .slice(0, limit)
      .map(({ key, value }) => workerToJson(listing.decode(state, key, value), simInsecure));
    return {
      workers,
      next: entries.length > limit ? (workers.at(-1)?.pubkey ?? null) : null,
      atBlock: head.number,
    };
  }),

  implement(registryRpc.getPolicy, ({ state }: QueryContext) => {
    const policy = getPolicy(state);
    // Genesis always writes a policy: a chain without one is not running this runtime.
    if (policy === undefined) throw new Error(`${Policy.name} is missing from the best state`);
    return {
      policy: policyToJson(policy),
      hash: toHex(blake2b256(RegistryPolicyCodec.enc(policy))),
      roots: policy.trustedRoots.map((der) => ({ subject: rootSubject(der), intel: isIntelRoot(der) })),
    };
  }),
];
