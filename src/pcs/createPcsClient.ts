// Fetches DCAP collateral from Intel's PCS v4 API or a PCCS (same paths), through the on-disk cache
// (DESIGN.md section 4.3: "the host adds the collateral ... from Intel's PCS or a PCCS, with a
// local cache"). This folder may do I/O; the verifier in src/attestation stays pure.
//
// Endpoints (Intel SGX/TDX PCS API v4):
//   GET {base}/sgx/certification/v4/pckcrl?ca={processor|platform}&encoding=der
//       body: CRL; header SGX-PCK-CRL-Issuer-Chain (URL-encoded PEM)
//   GET {base}/{sgx|tdx}/certification/v4/tcb?fmspc={hex}
//       body: {"tcbInfo":{...},"signature":"hex"}; header TCB-Info-Issuer-Chain
//       (SGX-TCB-Info-Issuer-Chain in v3 and older PCCS)
//   GET {base}/{sgx|tdx}/certification/v4/qe/identity
//       body: {"enclaveIdentity":{...},"signature":"hex"}; header SGX-Enclave-Identity-Issuer-Chain
//   Root CA CRL: a PCCS serves {base}/sgx/certification/v4/rootcacrl (hex of the DER); Intel's PCS
//   has no such path, so we follow the Root CA's CRL distribution point.
import { type Collateral, parseCollateralJson } from '../attestation/collateral.js';
import { AttestationError } from '../attestation/errors.js';
import { INTEL_SGX_ROOT_CA_CRL_URL } from '../attestation/roots/intelRoots.js';
import { type CollateralCache, createCollateralCache } from './createCollateralCache.js';
import { PcsError } from './errors.js';
import {
  type CrlItem,
  decodeIssuerChainHeader,
  parseCrlResponse,
  parseSignedJsonResponse,
  type SignedJsonItem,
} from './parsePcsResponses.js';

export const INTEL_PCS_BASE_URL = 'https://api.trustedservices.intel.com';

export interface PcsClientOptions {
  /** Intel PCS (default) or a PCCS such as `https://pccs.example:8081`. */
  readonly baseUrl?: string;
  readonly cacheDir: string;
  readonly fetch?: typeof fetch;
  /** Where to get the Root CA CRL. Default: the PCCS rootcacrl path, or Intel's distribution point for Intel PCS. */
  readonly rootCaCrlUrl?: string;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number;
}

export interface CollateralRequest {
  readonly tee: 'sgx' | 'tdx';
  /** 6 bytes as hex. */
  readonly fmspc: string;
  /** Which PCK CA issued the PCK certificate. */
  readonly ca: 'processor' | 'platform';
  /** Unix seconds: cached items are served while `at` is before their nextUpdate. */
  readonly at: number;
}

export interface PcsClient {
  getCollateral(request: CollateralRequest): Promise<Collateral>;
}

const MAX_BODY = 8 * 1024 * 1024;

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function defaultRootCaCrlUrl(base: string): string {
  try {
    if (new URL(base).hostname === new URL(INTEL_PCS_BASE_URL).hostname) return INTEL_SGX_ROOT_CA_CRL_URL;
  } catch {
    // An unparsable base fails later, on the first request, as InvalidRequest.
  }
  return `${base}/sgx/certification/v4/rootcacrl`;
}

interface Received {
  readonly body: Uint8Array;
  readonly headers: Headers;
}

export function createPcsClient(options: PcsClientOptions): PcsClient {
  const base = trimSlash(options.baseUrl ?? INTEL_PCS_BASE_URL);
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const rootCaCrlUrl = options.rootCaCrlUrl ?? defaultRootCaCrlUrl(base);
  const cache: CollateralCache = createCollateralCache(options.cacheDir);

  async function get(url: string, what: string): Promise<Received> {
    let response: Response;
    try {
      new URL(url);
    } catch (cause) {
      throw new PcsError('InvalidRequest', `${what}: not a URL: ${url}`, { url }, { cause });
    }
    try {
      response = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    } catch (cause) {
      throw new PcsError(
        'Unreachable',
        `${what}: cannot reach ${url}: ${(cause as Error)?.message ?? cause}`,
        { url },
        { cause },
      );
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new PcsError('HttpStatus', `${what}: ${url} answered HTTP ${response.status}`, {
        url,
        status: response.status,
        // Intel PCS puts the reason of a 4xx in these headers.
        errorCode: response.headers.get('Error-Code'),
        errorMessage: response.headers.get('Error-Message'),
      });
    }
    let body: Uint8Array;
    try {
      body = new Uint8Array(await response.arrayBuffer());
    } catch (cause) {
      throw new PcsError('Unreachable', `${what}: reading the body of ${url} failed`, { url }, { cause });
    }
    if (body.length > MAX_BODY)
      throw new PcsError('MalformedResponse', `${what}: body of ${body.length} bytes is too large`, { url });
    return { body, headers: response.headers };
  }

  async function cached<T extends { nextUpdate: number }>(
    key: string,
    at: number,
    fetchItem: () => Promise<T>,
  ): Promise<T> {
    const hit = await cache.read<T>(key);
    if (hit !== undefined && at < hit.nextUpdate) return hit;
    const item = await fetchItem();
    // A cache that cannot be written costs a refetch next time, never the collateral itself.
    await cache.write(key, item).catch(() => {});
    return item;
  }

  function pckCrl(ca: 'processor' | 'platform', at: number): Promise<CrlItem> {
    return cached(`pckcrl-${ca}`, at, async () => {
      const what = `PCK CRL (${ca})`;
      const r = await get(`${base}/sgx/certification/v4/pckcrl?ca=${ca}&encoding=der`, what);
      const chain = decodeIssuerChainHeader(r.headers.get('SGX-PCK-CRL-Issuer-Chain'), what);
      return parseCrlResponse(r.body, chain, what);
    });
  }

  function rootCaCrl(at: number): Promise<CrlItem> {
    return cached('rootcacrl', at, async () => {
      const r = await get(rootCaCrlUrl, 'Root CA CRL');
      return parseCrlResponse(r.body, '', 'Root CA CRL');
    });
  }

  function tcbInfo(tee: 'sgx' | 'tdx', fmspc: string, at: number): Promise<SignedJsonItem> {
    return cached(`tcb-${tee}-${fmspc.toLowerCase()}`, at, async () => {
      const what = `${tee.toUpperCase()} TCB info (FMSPC ${fmspc})`;
      const r = await get(`${base}/${tee}/certification/v4/tcb?fmspc=${fmspc}`, what);
      const header = r.headers.get('TCB-Info-Issuer-Chain') ?? r.headers.get('SGX-TCB-Info-Issuer-Chain');
      return parseSignedJsonResponse(r.body, 'tcbInfo', decodeIssuerChainHeader(header, what), what);
    });
  }

  function qeIdentity(tee: 'sgx' | 'tdx', at: number): Promise<SignedJsonItem> {
    return cached(`qeidentity-${tee}`, at, async () => {
      const what = `${tee.toUpperCase()} QE identity`;
      const r = await get(`${base}/${tee}/certification/v4/qe/identity`, what);
      const header = r.headers.get('SGX-Enclave-Identity-Issuer-Chain');
      return parseSignedJsonResponse(r.body, 'enclaveIdentity', decodeIssuerChainHeader(header, what), what);
    });
  }

  return {
    async getCollateral(request: CollateralRequest): Promise<Collateral> {
      const { tee, ca, at } = request;
      if (tee !== 'sgx' && tee !== 'tdx') throw new PcsError('InvalidRequest', `unknown TEE: ${String(tee)}`);
      if (ca !== 'processor' && ca !== 'platform')
        throw new PcsError('InvalidRequest', `unknown PCK CA: ${String(ca)}`);
      if (typeof request.fmspc !== 'string' || !/^[0-9a-fA-F]{12}$/.test(request.fmspc)) {
        throw new PcsError(
          'InvalidRequest',
          `FMSPC must be 6 bytes of hex: ${String(request.fmspc).slice(0, 40)}`,
        );
      }
      if (!Number.isFinite(at)) throw new PcsError('InvalidRequest', `time is not a number: ${String(at)}`);
      const fmspc = request.fmspc.toUpperCase();
      const [pck, root, tcb, qe] = await Promise.all([
        pckCrl(ca, at),
        rootCaCrl(at),
        tcbInfo(tee, fmspc, at),
        qeIdentity(tee, at),
      ]);
      try {
        return parseCollateralJson({
          pck_crl_issuer_chain: pck.issuerChain,
          root_ca_crl: root.crl,
          pck_crl: pck.crl,
          tcb_info_issuer_chain: tcb.issuerChain,
          tcb_info: tcb.body,
          tcb_info_signature: tcb.signature,
          qe_identity_issuer_chain: qe.issuerChain,
          qe_identity: qe.body,
          qe_identity_signature: qe.signature,
        });
      } catch (cause) {
        if (cause instanceof AttestationError) {
          throw new PcsError(
            'MalformedResponse',
            `collateral does not assemble: ${cause.message}`,
            {},
            { cause },
          );
        }
        throw cause;
      }
    },
  };
}
