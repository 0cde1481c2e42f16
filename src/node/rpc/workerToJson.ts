// Registry and gatekeeper state -> the wire shapes of src/codec/rpcWire.ts: names instead of SCALE
// indices, addresses for accounts, decimal strings for u64 times.
import { X509Certificate } from 'node:crypto';
import { INTEL_IAS_SIGNING_CA_DER, INTEL_SGX_ROOT_CA_DER } from '../../attestation/roots/intelRoots.js';
import { encodeAddress } from '../../codec/address.js';
import { equalBytes, toHex } from '../../codec/bytes.js';
import { blake2b256 } from '../../codec/hash.js';
import type { MeasurementJson, PolicyInfoJson, PolicyJson, WorkerJson } from '../../codec/rpcWire.js';
import type { WorkerView } from '../../runtime/registry/queries.js';
import {
  type Measurement,
  type MeasurementRule,
  type RegistryPolicy,
  RegistryPolicyCodec,
} from '../../runtime/registry/types.js';

const INTEL_ROOTS = [INTEL_SGX_ROOT_CA_DER, INTEL_IAS_SIGNING_CA_DER];

export function isIntelRoot(der: Uint8Array): boolean {
  return INTEL_ROOTS.some((root) => equalBytes(root, der));
}

/** Whether the policy trusts any root but Intel's: then no evidence on this chain proves anything. */
export function trustsNonIntelRoot(policy: RegistryPolicy | undefined): boolean {
  return policy?.trustedRoots.some((der) => !isIntelRoot(der)) ?? false;
}

function rootSubject(der: Uint8Array): string {
  try {
    return new X509Certificate(der).subject.replaceAll('\n', ', ');
  } catch {
    // The registry validated every root when the policy was set; this is only for display.
    return '(unparsable certificate)';
  }
}

function measurementToJson(measurement: Measurement): MeasurementJson {
  if (measurement.tag === 'Sgx') {
    const { mrEnclave, mrSigner, isvProdId, isvSvn } = measurement.value;
    return { tee: 'sgx', mrEnclave: toHex(mrEnclave), mrSigner: toHex(mrSigner), isvProdId, isvSvn };
  }
  const { mrTd, rtmr0, rtmr1, rtmr2, rtmr3 } = measurement.value;
  return {
    tee: 'tdx',
    mrTd: toHex(mrTd),
    rtmr0: toHex(rtmr0),
    rtmr1: toHex(rtmr1),
    rtmr2: toHex(rtmr2),
    rtmr3: toHex(rtmr3),
  };
}

/** `simInsecure`: see WorkerJsonSchema; the caller reads the policy once per request. */
export function workerToJson(view: WorkerView, simInsecure: boolean): WorkerJson {
  const { info, attestation, benchmark } = view;
  return {
    pubkey: toHex(view.pubkey),
    state: view.state,
    operator: encodeAddress(info.operator),
    ecdhPubkey: toHex(info.ecdhPubkey),
    genesisHash: toHex(info.genesisHash),
    features: { cores: info.features.cores, tee: info.features.tee },
    recentBlock: { number: info.recentBlock.number, hash: toHex(info.recentBlock.hash) },
    registeredAt: view.registeredAt,
    attestation: {
      provider: attestation.provider,
      tee: attestation.tee,
      tcbStatus: attestation.tcbStatus ?? null,
      quoteStatus: attestation.quoteStatus ?? null,
      advisoryIds: attestation.advisoryIds,
      confidenceLevel: attestation.confidenceLevel,
      measurement: measurementToJson(attestation.measurement),
      attestedAt: attestation.attestedAt.toString(),
      expiresAt: attestation.expiresAt.toString(),
      simInsecure,
    },
    benchmark: benchmark ? { score: benchmark.score, blockNumber: benchmark.blockNumber } : null,
  };
}

/** Leaves unset optional fields out, as the genesis form does. */
function definedOnly<T extends Record<string, unknown>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

function ruleToJson(rule: MeasurementRule): PolicyJson['measurementAllowlist'][number] {
  const hex = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : toHex(bytes));
  if (rule.tag === 'Sgx') {
    const { mrEnclave, mrSigner, isvProdId, minIsvSvn } = rule.value;
    return definedOnly({
      tee: 'sgx',
      mrEnclave: hex(mrEnclave),
      mrSigner: hex(mrSigner),
      isvProdId,
      minIsvSvn,
    });
  }
  const { mrTd, rtmr0, rtmr1, rtmr2, rtmr3 } = rule.value;
  return definedOnly({
    tee: 'tdx',
    mrTd: toHex(mrTd),
    rtmr0: hex(rtmr0),
    rtmr1: hex(rtmr1),
    rtmr2: hex(rtmr2),
    rtmr3: hex(rtmr3),
  }) as PolicyJson['measurementAllowlist'][number];
}

/** The policy in its genesis / `set-policy --file` form, with its hash and its roots described. */
export function policyToJson(policy: RegistryPolicy): PolicyInfoJson {
  return {
    policy: {
      trustedRoots: policy.trustedRoots.map(toHex),
      measurementAllowlist: policy.measurementAllowlist.map(ruleToJson),
      acceptedTcbStatuses: policy.acceptedTcbStatuses,
      acceptedQuoteStatuses: policy.acceptedQuoteStatuses,
      ...(policy.advisoryAllowlist === undefined ? {} : { advisoryAllowlist: policy.advisoryAllowlist }),
      allowDebug: policy.allowDebug,
      requireSeptVeDisable: policy.requireSeptVeDisable,
      maxEvidenceAgeBlocks: policy.maxEvidenceAgeBlocks,
      attestationValidityMs: policy.attestationValidityMs.toString(),
      maxIasReportAgeMs: policy.maxIasReportAgeMs.toString(),
    },
    hash: toHex(blake2b256(RegistryPolicyCodec.enc(policy))),
    roots: policy.trustedRoots.map((der) => ({ subject: rootSubject(der), intel: isIntelRoot(der) })),
  };
}
