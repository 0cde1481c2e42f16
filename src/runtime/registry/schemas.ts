// registry: its JSON forms and JSON-RPC methods, declared once for the chain, the node and the
// client. The policy's JSON form is the one the genesis config, `phalanx tx registry set-policy
// --file`, `registry_getPolicy` and the dashboard all use, read and written by the two converters
// below. Shared with the client and the worker: imports only src/codec, src/attestation and types.ts.
import { z } from 'zod';
import {
  MeasurementRuleJsonSchema,
  measurementRuleFromJson,
  measurementRuleToJson,
} from '../../attestation/policy.js';
import { IAS_QUOTE_STATUSES, TCB_STATUSES } from '../../attestation/types.js';
import { bytesToHex, hexToBytes } from '../../codec/bytes.js';
import { defineRpcSpec, optionalRpcParam, rpcParam } from '../../codec/rpcSpec.js';
import {
  BlockNumberSchema,
  DecimalSchema,
  Hash32Schema,
  Hex48Schema,
  PublicKeyInputSchema,
} from '../../codec/rpcWire.js';
import { type MeasurementRule, type RegistryPolicy, toAttestationPolicy } from './types.js';

// ---- the attestation policy ----

/** A trusted root certificate's DER as hex (0x optional, either case), at most 16 KiB. */
const RootHexSchema = z
  .string()
  .max(2 + 2 * 16 * 1024)
  .regex(/^(0x)?([0-9a-fA-F]{2})+$/, 'expected hex');

/** A u64 millisecond duration: a decimal string or a safe integer (read back as a string). */
const DurationMsSchema = z.union([
  z.string().regex(/^[0-9]{1,39}$/, 'expected a decimal string of digits'),
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
]);

export const PolicyJsonSchema = z.strictObject({
  trustedRoots: z.array(RootHexSchema).max(64),
  measurementAllowlist: z.array(MeasurementRuleJsonSchema).max(4096),
  acceptedTcbStatuses: z.array(z.enum(TCB_STATUSES)).max(16),
  acceptedQuoteStatuses: z.array(z.enum(IAS_QUOTE_STATUSES)).max(16),
  advisoryAllowlist: z.array(z.string()).max(4096).optional(),
  allowDebug: z.boolean(),
  requireSeptVeDisable: z.boolean(),
  maxEvidenceAgeBlocks: z.number().int().min(0).max(0xffff_ffff),
  attestationValidityMs: DurationMsSchema,
  maxIasReportAgeMs: DurationMsSchema,
});
export type PolicyJson = z.infer<typeof PolicyJsonSchema>;

const U64_MAX = (1n << 64n) - 1n;
// Above u64 is refused by findPolicyProblem's bounds; clamp only so that the codec can hold it.
const durationOf = (value: string | number) => {
  const ms = BigInt(value);
  return ms > U64_MAX ? U64_MAX : ms;
};

function ruleFromJson(json: PolicyJson['measurementAllowlist'][number]): MeasurementRule {
  const rule = measurementRuleFromJson(json);
  // The registry's codec keeps every field, unset ones as undefined (SCALE Option).
  return rule.tee === 'sgx'
    ? {
        tag: 'Sgx',
        value: {
          mrEnclave: rule.mrEnclave,
          mrSigner: rule.mrSigner,
          isvProdId: rule.isvProdId,
          minIsvSvn: rule.minIsvSvn,
        },
      }
    : {
        tag: 'Tdx',
        value: {
          mrTd: rule.mrTd,
          rtmr0: rule.rtmr0,
          rtmr1: rule.rtmr1,
          rtmr2: rule.rtmr2,
          rtmr3: rule.rtmr3,
        },
      };
}

/**
 * The on-chain policy of its JSON form (checked by PolicyJsonSchema). Whether the chain accepts it
 * is `findPolicyProblem`'s question, asked by genesis, `setPolicy` and the CLI before submitting.
 */
export function policyFromJson(json: PolicyJson): RegistryPolicy {
  return {
    trustedRoots: json.trustedRoots.map((hex) => hexToBytes(hex)),
    measurementAllowlist: json.measurementAllowlist.map(ruleFromJson),
    acceptedTcbStatuses: json.acceptedTcbStatuses,
    acceptedQuoteStatuses: json.acceptedQuoteStatuses,
    advisoryAllowlist: json.advisoryAllowlist,
    allowDebug: json.allowDebug,
    requireSeptVeDisable: json.requireSeptVeDisable,
    maxEvidenceAgeBlocks: json.maxEvidenceAgeBlocks,
    attestationValidityMs: durationOf(json.attestationValidityMs),
    maxIasReportAgeMs: durationOf(json.maxIasReportAgeMs),
  };
}

/** The JSON form of a policy (0x lowercase hex, decimal strings), which policyFromJson reads back. */
export function policyToJson(policy: RegistryPolicy): PolicyJson {
  return {
    trustedRoots: policy.trustedRoots.map((der) => `0x${bytesToHex(der)}`),
    // The attestation library's rules are the ones its JSON form is declared for.
    measurementAllowlist: (toAttestationPolicy(policy).measurementAllowlist ?? []).map(measurementRuleToJson),
    acceptedTcbStatuses: [...policy.acceptedTcbStatuses],
    acceptedQuoteStatuses: [...policy.acceptedQuoteStatuses],
    ...(policy.advisoryAllowlist === undefined ? {} : { advisoryAllowlist: [...policy.advisoryAllowlist] }),
    allowDebug: policy.allowDebug,
    requireSeptVeDisable: policy.requireSeptVeDisable,
    maxEvidenceAgeBlocks: policy.maxEvidenceAgeBlocks,
    attestationValidityMs: policy.attestationValidityMs.toString(),
    maxIasReportAgeMs: policy.maxIasReportAgeMs.toString(),
  };
}

export const PolicyInfoJsonSchema = z.object({
  policy: PolicyJsonSchema,
  /** BLAKE2b-256 of the policy's SCALE encoding (as in `registry.PolicyChanged`). */
  hash: Hash32Schema,
  /**
   * Subject of each trusted root, in `policy.trustedRoots` order, and whether it is one of Intel's
   * pinned roots; any other root (the sim root of a development chain) makes attestation insecure.
   */
  roots: z.array(z.object({ subject: z.string(), intel: z.boolean() })),
});
export type PolicyInfoJson = z.infer<typeof PolicyInfoJsonSchema>;

// ---- workers ----
// Enumerations (states, TCB statuses) travel as their names, so that a client need not know the
// runtime's SCALE indices.

export const MeasurementJsonSchema = z.discriminatedUnion('tee', [
  z.object({
    tee: z.literal('sgx'),
    mrEnclave: Hash32Schema,
    mrSigner: Hash32Schema,
    isvProdId: z.number().int().min(0),
    isvSvn: z.number().int().min(0),
  }),
  z.object({
    tee: z.literal('tdx'),
    mrTd: Hex48Schema,
    rtmr0: Hex48Schema,
    rtmr1: Hex48Schema,
    rtmr2: Hex48Schema,
    rtmr3: Hex48Schema,
  }),
]);
export type MeasurementJson = z.infer<typeof MeasurementJsonSchema>;

export const WorkerJsonSchema = z.object({
  /** The worker's ed25519 identity key. */
  pubkey: Hash32Schema,
  /** `Registered`, `Provisioned`, `Expired`, ... */
  state: z.string(),
  /** The operator account's address. */
  operator: z.string(),
  ecdhPubkey: Hash32Schema,
  genesisHash: Hash32Schema,
  features: z.object({ cores: z.number().int().min(0), tee: z.string() }),
  recentBlock: z.object({ number: BlockNumberSchema, hash: Hash32Schema }),
  /** Block of the first registration of this pubkey. */
  registeredAt: BlockNumberSchema,
  attestation: z.object({
    /** `dcap` or `ias`. */
    provider: z.string(),
    tee: z.string(),
    /** DCAP only. */
    tcbStatus: z.string().nullable(),
    /** IAS only. */
    quoteStatus: z.string().nullable(),
    advisoryIds: z.array(z.string()),
    confidenceLevel: z.number().int(),
    measurement: MeasurementJsonSchema,
    /** Milliseconds since the Unix epoch (block time of the last registration). */
    attestedAt: DecimalSchema,
    expiresAt: DecimalSchema,
    /**
     * The chain's policy trusts a root other than Intel's (the INSECURE sim root of a development
     * chain), so this evidence may be simulated and proves nothing (DESIGN.md section 6). The record
     * does not name the root the evidence chained to, and on such a chain a forged quote cannot be
     * told apart from a real one anyway.
     */
    simInsecure: z.boolean(),
  }),
  benchmark: z.object({ score: z.number().int(), blockNumber: BlockNumberSchema }).nullable(),
});
export type WorkerJson = z.infer<typeof WorkerJsonSchema>;

export const WorkerPageJsonSchema = z.object({
  workers: z.array(WorkerJsonSchema),
  /** Pass as `startAfter` for the next page; null when this page is the last. */
  next: Hash32Schema.nullable(),
  /** Number of the block whose state this page reflects. */
  atBlock: BlockNumberSchema,
});
export type WorkerPageJson = z.infer<typeof WorkerPageJsonSchema>;

/** Largest and default page of `registry_listWorkers` (each entry is decoded, so pages stay small). */
export const MAX_WORKER_PAGE = 500;
export const DEFAULT_WORKER_PAGE = 100;

// ---- methods ----

const workerKeyParam = rpcParam(
  'pubkey',
  PublicKeyInputSchema,
  "The worker's identity key (0x-hex, or its phx1... form).",
);

export const registryRpc = {
  getWorker: defineRpcSpec({
    name: 'registry_getWorker',
    summary:
      'A registered worker (state, operator, attestation facts, benchmark) at the best block; null if unknown.',
    params: [workerKeyParam],
    result: { name: 'worker', schema: WorkerJsonSchema.nullable(), description: 'The worker.' },
  }),
  listWorkers: defineRpcSpec({
    name: 'registry_listWorkers',
    summary: `Registered workers at the best block, in pubkey order, one page (default ${DEFAULT_WORKER_PAGE}) at a time.`,
    params: [
      optionalRpcParam(
        'page',
        z.strictObject({
          startAfter: PublicKeyInputSchema.optional(),
          limit: z.number().int().min(1).max(MAX_WORKER_PAGE).optional(),
        }),
        `{ startAfter?: pubkey (the previous page's \`next\`), limit?: 1..${MAX_WORKER_PAGE} }.`,
      ),
    ],
    result: {
      name: 'page',
      schema: WorkerPageJsonSchema,
      description: 'Workers, the cursor of the next page (null on the last) and the block read.',
    },
  }),
  getPolicy: defineRpcSpec({
    name: 'registry_getPolicy',
    summary:
      'The attestation policy at the best block, in the JSON form `tx registry set-policy --file` takes, with its hash and roots.',
    params: [],
    result: { name: 'policy', schema: PolicyInfoJsonSchema, description: 'Policy, hash, root subjects.' },
  }),
} as const;
