// registry genesis: the attestation policy (README.md, "Policy"). Certificates and measurements are
// hex (0x optional); durations are milliseconds as decimal strings or safe integers.
import { z } from 'zod';
import { IAS_QUOTE_STATUSES, TCB_STATUSES } from '../../attestation/types.js';
import { hexToBytes } from '../../codec/bytes.js';
import { amountSchema, type GenesisDefinition, GenesisError, u32Schema } from '../support/genesis.js';
import { findPolicyProblem } from './policy.js';
import { Policy } from './storage.js';
import type { MeasurementRule, RegistryPolicy } from './types.js';

const hexBytes = (length?: number) =>
  z
    .string()
    .max(2 + 2 * 16 * 1024)
    .regex(
      length === undefined ? /^(0x)?([0-9a-fA-F]{2})+$/ : new RegExp(`^(0x)?[0-9a-fA-F]{${2 * length}}$`),
      length === undefined ? 'expected hex' : `expected ${length} bytes of hex`,
    )
    .transform((text) => hexToBytes(text));

const u16 = z.number().int().min(0).max(0xffff);

const sgxRule = z.strictObject({
  tee: z.literal('sgx'),
  mrEnclave: hexBytes(32).optional(),
  mrSigner: hexBytes(32).optional(),
  isvProdId: u16.optional(),
  minIsvSvn: u16.optional(),
});

const tdxRule = z.strictObject({
  tee: z.literal('tdx'),
  mrTd: hexBytes(48),
  rtmr0: hexBytes(48).optional(),
  rtmr1: hexBytes(48).optional(),
  rtmr2: hexBytes(48).optional(),
  rtmr3: hexBytes(48).optional(),
});

export const registryPolicySchema = z.strictObject({
  trustedRoots: z.array(hexBytes()).max(64),
  measurementAllowlist: z.array(z.discriminatedUnion('tee', [sgxRule, tdxRule])).max(4096),
  acceptedTcbStatuses: z.array(z.enum(TCB_STATUSES)).max(16),
  acceptedQuoteStatuses: z.array(z.enum(IAS_QUOTE_STATUSES)).max(16),
  advisoryAllowlist: z.array(z.string()).max(4096).optional(),
  allowDebug: z.boolean(),
  requireSeptVeDisable: z.boolean(),
  maxEvidenceAgeBlocks: u32Schema,
  attestationValidityMs: amountSchema,
  maxIasReportAgeMs: amountSchema,
});

export const registryGenesisSchema = z.strictObject({ policy: registryPolicySchema });

export type RegistryGenesisConfig = z.input<typeof registryGenesisSchema>;
export type RegistryPolicyJson = z.input<typeof registryPolicySchema>;

const U64_MAX = (1n << 64n) - 1n;

/** The on-chain policy of its JSON (genesis) form. */
export function policyFromJson(json: z.output<typeof registryPolicySchema>): RegistryPolicy {
  const rules = json.measurementAllowlist.map(
    (rule): MeasurementRule =>
      rule.tee === 'sgx'
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
          },
  );
  return {
    trustedRoots: json.trustedRoots,
    measurementAllowlist: rules,
    acceptedTcbStatuses: json.acceptedTcbStatuses,
    acceptedQuoteStatuses: json.acceptedQuoteStatuses,
    advisoryAllowlist: json.advisoryAllowlist,
    allowDebug: json.allowDebug,
    requireSeptVeDisable: json.requireSeptVeDisable,
    maxEvidenceAgeBlocks: json.maxEvidenceAgeBlocks,
    // Above u64 is refused by findPolicyProblem's bounds; clamp only so that the check sees it.
    attestationValidityMs: json.attestationValidityMs > U64_MAX ? U64_MAX : json.attestationValidityMs,
    maxIasReportAgeMs: json.maxIasReportAgeMs > U64_MAX ? U64_MAX : json.maxIasReportAgeMs,
  };
}

export const registryGenesis: GenesisDefinition<
  z.output<typeof registryGenesisSchema>,
  RegistryGenesisConfig
> = {
  schema: registryGenesisSchema,
  build(state, config) {
    const policy = policyFromJson(config.policy);
    const problem = findPolicyProblem(policy);
    if (problem) throw new GenesisError('registry.policy', problem);
    Policy.set(state, policy);
  },
};
