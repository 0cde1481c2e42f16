// Intel TCB Info, versions 2 and 3 (PCS API v3/v4 "TCB Info"; v3 adds `id` SGX|TDX, component arrays,
// the TDX module and TDX module identities). Parsed from the exact signed JSON string; the signature
// is checked elsewhere, over the same string. Unknown versions, TCB types and statuses are rejected.
import { z } from 'zod';
import { hexToBytes } from '../../codec/bytes.js';
import { AttestationError } from '../errors.js';
import { TCB_STATUSES, type TcbStatus } from '../types.js';
import { orderModuleTcbLevels, orderTcbLevels } from './orderTcbLevels.js';

export interface TcbLevel {
  readonly sgxComponents: readonly number[]; // 16
  readonly pceSvn: number;
  /** TDX TCB info only. */
  readonly tdxComponents?: readonly number[]; // 16
  readonly status: TcbStatus;
  readonly advisoryIds: readonly string[];
}

export interface ModuleTcbLevel {
  readonly isvSvn: number;
  readonly status: 'UpToDate' | 'OutOfDate' | 'Revoked';
  readonly advisoryIds: readonly string[];
}

export interface TdxModule {
  readonly mrSigner: Uint8Array; // 48
  readonly attributes: Uint8Array; // 8
  readonly attributesMask: Uint8Array; // 8
}

export interface TdxModuleIdentity extends TdxModule {
  readonly id: string;
  /** By ISVSVN, highest first. */
  readonly tcbLevels: readonly ModuleTcbLevel[];
}

export interface TcbInfo {
  readonly id: 'SGX' | 'TDX';
  readonly version: 2 | 3;
  /** Unix seconds. */
  readonly issueDate: number;
  readonly nextUpdate: number;
  readonly fmspc: Uint8Array; // 6
  readonly pceId: Uint8Array; // 2
  readonly tcbEvaluationDataNumber: number;
  /** In Intel's matching order, highest first, whatever the JSON's order (orderTcbLevels.ts). */
  readonly tcbLevels: readonly TcbLevel[];
  readonly tdxModule?: TdxModule;
  readonly tdxModuleIdentities?: readonly TdxModuleIdentity[];
}

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/)
  .transform((s, ctx) => {
    const ms = Date.parse(s);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'invalid date' });
      return z.NEVER;
    }
    return Math.floor(ms / 1000);
  });
export const hexN = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`))
    .transform((s) => hexToBytes(s));
const svn = z.number().int().min(0).max(255);
const u16 = z.number().int().min(0).max(0xffff);
const advisoryIds = z.array(z.string().max(64)).max(1024).optional();
const components = z.array(z.object({ svn })).length(16);

const sgxCompFieldsV2 = Object.fromEntries(
  Array.from({ length: 16 }, (_, i) => [`sgxtcbcomp${String(i + 1).padStart(2, '0')}svn`, svn]),
) as Record<string, typeof svn>;

const levelV2 = z.object({
  tcb: z.object({ ...sgxCompFieldsV2, pcesvn: u16 }),
  tcbDate: isoDate,
  tcbStatus: z.enum(TCB_STATUSES),
  advisoryIDs: advisoryIds,
});

const levelV3 = z.object({
  tcb: z.object({ sgxtcbcomponents: components, pcesvn: u16, tdxtcbcomponents: components.optional() }),
  tcbDate: isoDate,
  tcbStatus: z.enum(TCB_STATUSES),
  advisoryIDs: advisoryIds,
});

const tdxModule = z.object({ mrsigner: hexN(48), attributes: hexN(8), attributesMask: hexN(8) });

const moduleIdentity = tdxModule.extend({
  id: z.string().max(32),
  tcbLevels: z
    .array(
      z.object({
        tcb: z.object({ isvsvn: svn }),
        tcbDate: isoDate,
        tcbStatus: z.enum(['UpToDate', 'OutOfDate', 'Revoked']),
        advisoryIDs: advisoryIds,
      }),
    )
    .min(1)
    .max(256),
});

const common = {
  issueDate: isoDate,
  nextUpdate: isoDate,
  fmspc: hexN(6),
  pceId: hexN(2),
  // Only TCB type 0 is defined (PCS API: "tcbType ... 0"); its component order is the one compared here.
  tcbType: z.literal(0),
  tcbEvaluationDataNumber: z.number().int().min(0),
};

const tcbInfoV2 = z.object({
  ...common,
  version: z.literal(2),
  tcbLevels: z.array(levelV2).min(1).max(1024),
});
const tcbInfoV3 = z.object({
  ...common,
  id: z.enum(['SGX', 'TDX']),
  version: z.literal(3),
  tcbLevels: z.array(levelV3).min(1).max(1024),
  tdxModule: tdxModule.optional(),
  tdxModuleIdentities: z.array(moduleIdentity).max(64).optional(),
});

export function parseTcbInfo(json: string): TcbInfo {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new AttestationError('TcbInfoInvalid', 'TCB info is not JSON', {}, { cause: error });
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (version === 2) {
    const v = parseWith(tcbInfoV2, value);
    return {
      id: 'SGX',
      version: 2,
      issueDate: v.issueDate,
      nextUpdate: v.nextUpdate,
      fmspc: v.fmspc,
      pceId: v.pceId,
      tcbEvaluationDataNumber: v.tcbEvaluationDataNumber,
      tcbLevels: orderTcbLevels(
        v.tcbLevels.map((l) => ({
          sgxComponents: Array.from(
            { length: 16 },
            (_, i) => (l.tcb as Record<string, number>)[`sgxtcbcomp${String(i + 1).padStart(2, '0')}svn`]!,
          ),
          pceSvn: l.tcb.pcesvn,
          status: l.tcbStatus,
          advisoryIds: l.advisoryIDs ?? [],
        })),
        false,
      ),
    };
  }
  if (version === 3) {
    const v = parseWith(tcbInfoV3, value);
    if (v.id === 'TDX') {
      if (v.tdxModule === undefined) throw invalid('TDX TCB info has no tdxModule');
      if (v.tcbLevels.some((l) => l.tcb.tdxtcbcomponents === undefined)) {
        throw invalid('TDX TCB level without tdxtcbcomponents');
      }
    }
    return {
      id: v.id,
      version: 3,
      issueDate: v.issueDate,
      nextUpdate: v.nextUpdate,
      fmspc: v.fmspc,
      pceId: v.pceId,
      tcbEvaluationDataNumber: v.tcbEvaluationDataNumber,
      tcbLevels: orderTcbLevels(
        v.tcbLevels.map((l) => ({
          sgxComponents: l.tcb.sgxtcbcomponents.map((c) => c.svn),
          pceSvn: l.tcb.pcesvn,
          ...(v.id === 'TDX' && l.tcb.tdxtcbcomponents
            ? { tdxComponents: l.tcb.tdxtcbcomponents.map((c) => c.svn) }
            : {}),
          status: l.tcbStatus,
          advisoryIds: l.advisoryIDs ?? [],
        })),
        v.id === 'TDX',
      ),
      ...(v.tdxModule
        ? {
            tdxModule: {
              mrSigner: v.tdxModule.mrsigner,
              attributes: v.tdxModule.attributes,
              attributesMask: v.tdxModule.attributesMask,
            },
          }
        : {}),
      ...(v.tdxModuleIdentities
        ? {
            tdxModuleIdentities: v.tdxModuleIdentities.map((m) => ({
              id: m.id,
              mrSigner: m.mrsigner,
              attributes: m.attributes,
              attributesMask: m.attributesMask,
              tcbLevels: orderModuleTcbLevels(
                m.tcbLevels.map((l) => ({
                  isvSvn: l.tcb.isvsvn,
                  status: l.tcbStatus,
                  advisoryIds: l.advisoryIDs ?? [],
                })),
              ),
            })),
          }
        : {}),
    };
  }
  throw invalid(`TCB info version ${String(version)} is not supported`);
}

function invalid(message: string): AttestationError {
  return new AttestationError('TcbInfoInvalid', message, {});
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AttestationError(
      'TcbInfoInvalid',
      `TCB info ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      {},
    );
  }
  return parsed.data;
}
