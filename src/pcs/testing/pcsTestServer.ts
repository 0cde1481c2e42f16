// Test support (not shipped behaviour): a local HTTP server that answers as Intel's PCS v4 / a PCCS
// does, with bodies and headers cut from a vector's collateral.json (the same bytes Intel served).
// Used by the PCS client tests and the CLI tests; binds 127.0.0.1 on a free port.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseCrl } from '../../attestation/x509/parseCrl.js';
import { hexToBytes } from '../../codec/bytes.js';

const VECTORS = new URL('../../../../shared/vectors/attestation/', import.meta.url);

export interface Vector {
  json: Record<string, string>;
  tee: 'sgx' | 'tdx';
  fmspc: string;
  ca: 'processor' | 'platform';
  now: number;
  nextUpdate: { pckcrl: number; rootcacrl: number; tcb: number; qe: number };
}

export function loadVector(id: string): Vector {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', VECTORS), 'utf8')) as {
    cases: { id: string; collateral: string; now: number }[];
  };
  const c = manifest.cases.find((x) => x.id === id)!;
  const json = JSON.parse(readFileSync(new URL(c.collateral, VECTORS), 'utf8')) as Record<string, string>;
  const tcb = JSON.parse(json.tcb_info!) as { id?: string; fmspc: string; nextUpdate: string };
  const qe = JSON.parse(json.qe_identity!) as { nextUpdate: string };
  const pckCa = new X509Certificate(json.pck_crl_issuer_chain!).subject;
  return {
    json,
    tee: tcb.id === 'TDX' ? 'tdx' : 'sgx',
    fmspc: tcb.fmspc,
    ca: pckCa.includes('Platform') ? 'platform' : 'processor',
    now: c.now,
    nextUpdate: {
      pckcrl: parseCrl(hexToBytes(json.pck_crl!)).nextUpdate,
      rootcacrl: parseCrl(hexToBytes(json.root_ca_crl!)).nextUpdate,
      tcb: Date.parse(tcb.nextUpdate) / 1000,
      qe: Date.parse(qe.nextUpdate) / 1000,
    },
  };
}

export type Route = (req: IncomingMessage, url: URL, res: ServerResponse) => void;

/** An Intel-PCS-shaped server for one vector; `override` replaces the answer for a path. */
export function pcsRoutes(v: Vector, overrides: Map<string, Route>): Route {
  return (req, url, res) => {
    const override = overrides.get(url.pathname);
    if (override) return override(req, url, res);
    const j = v.json;
    const p = url.pathname;
    if (p === '/sgx/certification/v4/pckcrl' && url.searchParams.get('ca') === v.ca) {
      res.setHeader('SGX-PCK-CRL-Issuer-Chain', encodeURIComponent(j.pck_crl_issuer_chain!));
      res.setHeader('Content-Type', 'application/pkix-crl');
      return void res.end(Buffer.from(j.pck_crl!, 'hex'));
    }
    if (
      p === `/${v.tee}/certification/v4/tcb` &&
      url.searchParams.get('fmspc')?.toUpperCase() === v.fmspc.toUpperCase()
    ) {
      res.setHeader('TCB-Info-Issuer-Chain', encodeURIComponent(j.tcb_info_issuer_chain!));
      res.setHeader('Content-Type', 'application/json');
      return void res.end(`{"tcbInfo":${j.tcb_info},"signature":"${j.tcb_info_signature}"}`);
    }
    if (p === `/${v.tee}/certification/v4/qe/identity`) {
      res.setHeader('SGX-Enclave-Identity-Issuer-Chain', encodeURIComponent(j.qe_identity_issuer_chain!));
      res.setHeader('Content-Type', 'application/json');
      return void res.end(`{"enclaveIdentity":${j.qe_identity},"signature":"${j.qe_identity_signature}"}`);
    }
    if (p === '/sgx/certification/v4/rootcacrl') return void res.end(j.root_ca_crl); // PCCS: hex text
    if (p === '/IntelSGXRootCA.der') return void res.end(Buffer.from(j.root_ca_crl!, 'hex'));
    res.statusCode = 404;
    res.end();
  };
}

export interface TestServer {
  url: string;
  hits: Map<string, number>;
  overrides: Map<string, Route>;
  server: Server;
}

export async function startServer(v: Vector): Promise<TestServer> {
  const hits = new Map<string, number>();
  const overrides = new Map<string, Route>();
  const route = pcsRoutes(v, overrides);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    route(req, url, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits, overrides, server };
}

export const VECTORS_URL = VECTORS;

export const total = (hits: Map<string, number>) => [...hits.values()].reduce((a, b) => a + b, 0);
