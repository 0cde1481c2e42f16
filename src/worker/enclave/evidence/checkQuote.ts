// The check every provider makes on what its TEE interface returned: the bytes parse as a DCAP quote
// of the expected TEE and carry exactly the report data that was asked for. Between our write and
// our read another writer may have changed the report data (a race), or the host may hand us a quote
// it kept from before (a lie); both end here, before the quote goes anywhere.

import { parseQuote, type Quote } from '../../../attestation/dcap/parseQuote.js';
import { equalBytes, toHex } from '../../../codec/bytes.js';
import type { TeeKind } from '../../../runtime/registry/types.js';
import { EnclaveError } from '../errors.js';

export const REPORT_DATA_LENGTH = 64;

export function checkReportDataArgument(reportData: Uint8Array): void {
  if (!(reportData instanceof Uint8Array) || reportData.length !== REPORT_DATA_LENGTH) {
    throw new EnclaveError('InvalidReportData', `report data must be ${REPORT_DATA_LENGTH} bytes`, {
      length: (reportData as Uint8Array | undefined)?.length,
    });
  }
}

export interface QuoteExpectation {
  readonly tee: TeeKind;
  readonly reportData: Uint8Array;
  /** Where the bytes came from, for the error message (a path, or 'sim'). */
  readonly source: string;
}

/** Returns the quote without trailing padding, or throws an EnclaveError naming what differs. */
export function checkQuote(bytes: Uint8Array, expected: QuoteExpectation): Uint8Array {
  let quote: Quote;
  try {
    quote = parseQuote(bytes);
  } catch (cause) {
    throw new EnclaveError(
      'MalformedQuote',
      `${expected.source} did not return a DCAP quote (${bytes.length} bytes): ${(cause as Error).message}`,
      { source: expected.source, length: bytes.length },
      { cause },
    );
  }
  if (quote.tee !== expected.tee) {
    throw new EnclaveError(
      'QuoteTeeMismatch',
      `${expected.source} returned a ${quote.tee} quote, expected ${expected.tee}`,
      {
        source: expected.source,
        tee: quote.tee,
        expected: expected.tee,
      },
    );
  }
  if (!equalBytes(quote.body.reportData, expected.reportData)) {
    throw new EnclaveError(
      'ReportDataMismatch',
      `${expected.source} returned a quote over other report data`,
      {
        source: expected.source,
        reportData: toHex(quote.body.reportData),
        expected: toHex(expected.reportData),
      },
    );
  }
  // The quote's own lengths define its end; some interfaces pad the buffer with zeros, which nothing
  // signs, so they are not worth carrying on chain.
  return bytes.slice(0, quote.length);
}
