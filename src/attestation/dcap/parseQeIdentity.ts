// Intel QE Identity v2 (PCS API v4 "Enclave Identity"): the identity of the Quoting Enclave (id QE
// for SGX, TD_QE for TDX) that signed a quote's attestation key, and its TCB levels by ISVSVN.
import { z } from 'zod';
import { AttestationError } from '../errors.js';
import { hexN, isoDate } from './parseTcbInfo.js';

export interface QeTcbLevel {
  readonly isvSvn: number;
  readonly status: 'UpToDate' | 'OutOfDate' | 'Revoked';
  readonly advisoryIds: readonly string[];
}

export interface QeIdentity {
  readonly id: 'QE' | 'TD_QE' | 'QVE';
  readonly version: 2;
  readonly issueDate: number;
  readonly nextUpdate: number;
  readonly miscSelect: number;
  readonly miscSelectMask: number;
  readonly attributes: Uint8Array; // 16
  readonly attributesMask: Uint8Array; // 16
  readonly mrSigner: Uint8Array; // 32
  readonly isvProdId: number;
  readonly tcbLevels: readonly QeTcbLevel[];
}

const u32hex = z
  .string()
  .regex(/^[0-9a-fA-F]{8}$/)
  .transform((s) => Number.parseInt(s, 16) >>> 0);

const schema = z.object({
  id: z.enum(['QE', 'TD_QE', 'QVE']),
  version: z.literal(2),
  issueDate: isoDate,
  nextUpdate: isoDate,
  tcbEvaluationDataNumber: z.number().int().min(0),
  miscselect: u32hex,
  miscselectMask: u32hex,
  attributes: hexN(16),
  attributesMask: hexN(16),
  mrsigner: hexN(32),
  isvprodid: z.number().int().min(0).max(0xffff),
  tcbLevels: z
    .array(
      z.object({
        tcb: z.object({ isvsvn: z.number().int().min(0).max(0xffff) }),
        tcbDate: isoDate,
        tcbStatus: z.enum(['UpToDate', 'OutOfDate', 'Revoked']),
        advisoryIDs: z.array(z.string().max(64)).max(1024).optional(),
      }),
    )
    .min(1)
    .max(1024),
});

export function parseQeIdentity(json: string): QeIdentity {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new AttestationError('QeIdentityInvalid', 'QE identity is not JSON', {}, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AttestationError(
      'QeIdentityInvalid',
      `QE identity ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      {},
    );
  }
  const v = parsed.data;
  return {
    id: v.id,
    version: 2,
    issueDate: v.issueDate,
    nextUpdate: v.nextUpdate,
    miscSelect: v.miscselect,
    miscSelectMask: v.miscselectMask,
    attributes: v.attributes,
    attributesMask: v.attributesMask,
    mrSigner: v.mrsigner,
    isvProdId: v.isvprodid,
    tcbLevels: v.tcbLevels.map((l) => ({
      isvSvn: l.tcb.isvsvn,
      status: l.tcbStatus,
      advisoryIds: l.advisoryIDs ?? [],
    })),
  };
}
