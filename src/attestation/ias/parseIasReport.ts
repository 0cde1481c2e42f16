// The JSON body of an IAS Attestation Verification Report (IAS API specification rev. 6, section
// 4.2.1). The signature covers the exact body bytes, so callers verify the signature over the bytes
// first and only then trust what this parser reads from them.
import { z } from 'zod';
import { fromUtf8 } from '../../codec/bytes.js';
import { AttestationError } from '../errors.js';
import { IAS_QUOTE_STATUSES, type IasQuoteStatus } from '../types.js';
import { type EpidQuoteBody, parseEpidQuoteBody } from './parseEpidQuoteBody.js';

// Real reports are about 1-3 KB; the bound keeps a hostile body cheap to reject.
const MAX_REPORT_BYTES = 64 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// IAS timestamps are UTC without a zone designator, with optional fractional seconds.
const IAS_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

const IasReportJson = z.object({
  id: z.string().min(1).max(128),
  timestamp: z.string().regex(IAS_TIMESTAMP, 'expected an IAS timestamp (YYYY-MM-DDThh:mm:ss[.ffffff])'),
  version: z.number().int().min(1).max(1000),
  isvEnclaveQuoteStatus: z.enum(IAS_QUOTE_STATUSES),
  isvEnclaveQuoteBody: z.string().max(1024).regex(BASE64, 'expected base64'),
  advisoryURL: z.string().max(2048).optional(),
  advisoryIDs: z.array(z.string().min(1).max(64)).max(1024).optional(),
  // Present when the status is not OK (IAS spec, "platformInfoBlob"): a hex TLV blob.
  platformInfoBlob: z
    .string()
    .max(4096)
    .regex(/^([0-9a-fA-F]{2})*$/, 'expected hex')
    .optional(),
  revocationReason: z.number().int().optional(),
  pseManifestStatus: z.string().max(128).optional(),
  pseManifestHash: z.string().max(128).optional(),
  nonce: z.string().max(32).optional(),
  epidPseudonym: z.string().max(1024).regex(BASE64, 'expected base64').optional(),
});

export interface IasReport {
  readonly id: string;
  readonly timestamp: string;
  /** Unix seconds of `timestamp` (read as UTC). */
  readonly producedAt: number;
  readonly version: number;
  readonly quoteStatus: IasQuoteStatus;
  readonly quoteBody: EpidQuoteBody;
  readonly advisoryIds: readonly string[];
  readonly advisoryUrl?: string;
  readonly platformInfoBlob?: string;
  readonly nonce?: string;
  readonly epidPseudonym?: string;
}

function invalid(message: string, details: Record<string, unknown> = {}, cause?: unknown): AttestationError {
  return new AttestationError(
    'IasReportInvalid',
    message,
    details,
    cause === undefined ? undefined : { cause },
  );
}

/** Parses an IAS timestamp ("2020-06-15T10:43:20.123456", UTC) to Unix seconds, fractions dropped. */
export function parseIasTimestamp(timestamp: string): number {
  const m = IAS_TIMESTAMP.exec(timestamp);
  if (!m)
    throw invalid(`timestamp is not an IAS timestamp: ${timestamp.slice(0, 40)}`, { field: 'timestamp' });
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(ms);
  // Date.UTC rolls over out-of-range fields (month 13, Feb 30); a real timestamp round-trips.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw invalid(`timestamp is not a valid date: ${timestamp}`, { field: 'timestamp' });
  }
  return Math.floor(ms / 1000);
}

/** Parses the exact report body bytes (UTF-8 JSON). Every failure is `IasReportInvalid`. */
export function parseIasReport(body: Uint8Array): IasReport {
  if (body.length > MAX_REPORT_BYTES) {
    throw invalid(`report is ${body.length} bytes, more than ${MAX_REPORT_BYTES}`, { length: body.length });
  }
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(body));
  } catch (cause) {
    throw invalid('report is not UTF-8 JSON', {}, cause);
  }
  const parsed = IasReportJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw invalid(`report field ${field || '(root)'}: ${issue?.message ?? 'invalid'}`, { field });
  }
  const j = parsed.data;
  const quoteBody = parseEpidQuoteBody(new Uint8Array(Buffer.from(j.isvEnclaveQuoteBody, 'base64')));
  return {
    id: j.id,
    timestamp: j.timestamp,
    producedAt: parseIasTimestamp(j.timestamp),
    version: j.version,
    quoteStatus: j.isvEnclaveQuoteStatus,
    quoteBody,
    advisoryIds: j.advisoryIDs ?? [],
    ...(j.advisoryURL !== undefined && { advisoryUrl: j.advisoryURL }),
    ...(j.platformInfoBlob !== undefined && { platformInfoBlob: j.platformInfoBlob }),
    ...(j.nonce !== undefined && { nonce: j.nonce }),
    ...(j.epidPseudonym !== undefined && { epidPseudonym: j.epidPseudonym }),
  };
}
