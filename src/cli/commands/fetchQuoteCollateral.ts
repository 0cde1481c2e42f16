// The collateral a DCAP quote needs, from Intel PCS or a PCCS through the on-disk cache: shared by
// `attest verify` (when no --collateral file is given) and `collateral fetch`.
import type { Collateral } from '../../attestation/collateral.js';
import { type PckInfo, readPckInfo } from '../../attestation/dcap/readPckInfo.js';
import { bytesToHex } from '../../codec/bytes.js';
import { createPcsClient } from '../../pcs/createPcsClient.js';
import { type CommandDeps, defaultCacheDir } from './cliSupport.js';

export interface CollateralSource {
  /** PCCS or Intel PCS base URL; Intel PCS when absent. */
  readonly pccsUrl?: string;
  /** Collateral cache folder; defaultCacheDir() when absent. */
  readonly cacheDir?: string;
}

/** Reads the quote's PCK info and fetches its collateral valid at `at`; throws PhalanxError subclasses. */
export async function fetchQuoteCollateral(
  quote: Uint8Array,
  source: CollateralSource,
  at: number,
  deps: CommandDeps,
): Promise<{ readonly info: PckInfo; readonly collateral: Collateral }> {
  // The PCK info comes first: a quote that does not parse fails before any client is made.
  const info = readPckInfo(quote);
  const client = createPcsClient({
    ...(source.pccsUrl !== undefined && { baseUrl: source.pccsUrl }),
    cacheDir: source.cacheDir ?? defaultCacheDir(),
    ...(deps.fetch !== undefined && { fetch: deps.fetch }),
  });
  const collateral = await client.getCollateral({
    tee: info.tee,
    fmspc: bytesToHex(info.fmspc),
    ca: info.ca,
    at,
  });
  return { info, collateral };
}
