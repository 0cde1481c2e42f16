// Runs the client against a local HTTP server that answers as Intel's PCS v4 / a PCCS does, with
// bodies and headers cut from the vectors' collateral.json (the same bytes Intel served).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCollateralJson } from '../attestation/collateral.js';
import { createPcsClient } from './createPcsClient.js';
import { PcsError } from './errors.js';
import {
  loadVector,
  type Route,
  startServer,
  type TestServer,
  total,
  type Vector,
} from './testing/pcsTestServer.js';

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<PcsError> {
  let caught: unknown;
  await promise.catch((e: unknown) => {
    caught = e;
  });
  assert.ok(caught instanceof PcsError, `expected PcsError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

describe('createPcsClient', () => {
  const dirs: string[] = [];
  const servers: Server[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'phalanx-pcs-'));
    dirs.push(dir);
    return dir;
  };
  const serve = async (v: Vector) => {
    const s = await startServer(v);
    servers.push(s.server);
    return s;
  };
  after(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  for (const id of ['dcapqvl-sgx-v3', 'dcapqvl-tdx-v4', 'signal-dcap_v3-tcbinfo-v2']) {
    it(`assembles the collateral of ${id} byte for byte from a PCCS`, async () => {
      const v = loadVector(id);
      const s = await serve(v);
      const client = createPcsClient({ baseUrl: `${s.url}/`, cacheDir: await tempDir() });
      const collateral = await client.getCollateral({
        tee: v.tee,
        fmspc: v.fmspc.toLowerCase(),
        ca: v.ca,
        at: v.now,
      });
      assert.deepEqual(collateral, parseCollateralJson(v.json));
      assert.equal(total(s.hits), 4);
    });
  }

  it('follows the Root CA CRL distribution point when talking to Intel PCS (configurable URL)', async () => {
    const v = loadVector('dcapqvl-sgx-v3');
    const s = await serve(v);
    const client = createPcsClient({
      baseUrl: s.url,
      cacheDir: await tempDir(),
      rootCaCrlUrl: `${s.url}/IntelSGXRootCA.der`,
    });
    const collateral = await client.getCollateral({ tee: v.tee, fmspc: v.fmspc, ca: v.ca, at: v.now });
    assert.deepEqual(collateral, parseCollateralJson(v.json));
    assert.equal(s.hits.get('/IntelSGXRootCA.der'), 1);
    assert.equal(s.hits.get('/sgx/certification/v4/rootcacrl'), undefined);
  });

  describe('cache', () => {
    let v: Vector;
    let s: TestServer;
    let cacheDir: string;
    before(async () => {
      v = loadVector('dcapqvl-tdx-v4');
      s = await serve(v);
      cacheDir = await tempDir();
    });

    it('serves a second request from the cache without asking the server', async () => {
      const client = createPcsClient({ baseUrl: s.url, cacheDir });
      const first = await client.getCollateral({ tee: v.tee, fmspc: v.fmspc, ca: v.ca, at: v.now });
      assert.equal(total(s.hits), 4);
      // A new client on the same folder: the cache is on disk, not in memory.
      const again = await createPcsClient({ baseUrl: s.url, cacheDir }).getCollateral({
        tee: v.tee,
        fmspc: v.fmspc,
        ca: v.ca,
        at: v.now + 60,
      });
      assert.equal(total(s.hits), 4);
      assert.deepEqual(again, first);
      const files = (await readdir(cacheDir)).sort();
      assert.deepEqual(files, [
        `pckcrl-${v.ca}.json`,
        'qeidentity-tdx.json',
        'rootcacrl.json',
        `tcb-tdx-${v.fmspc.toLowerCase()}.json`,
      ]);
    });

    it('refetches exactly the items whose nextUpdate has passed', async () => {
      const client = createPcsClient({ baseUrl: s.url, cacheDir });
      const before = new Map(s.hits);
      const at = v.nextUpdate.tcb; // at == nextUpdate: no longer served from cache
      await client.getCollateral({ tee: v.tee, fmspc: v.fmspc, ca: v.ca, at });
      const refetched = [...s.hits]
        .filter(([path, n]) => n > (before.get(path) ?? 0))
        .map(([path]) => path)
        .sort();
      const expected = [
        ['/sgx/certification/v4/pckcrl', v.nextUpdate.pckcrl],
        ['/sgx/certification/v4/rootcacrl', v.nextUpdate.rootcacrl],
        [`/tdx/certification/v4/tcb`, v.nextUpdate.tcb],
        ['/tdx/certification/v4/qe/identity', v.nextUpdate.qe],
      ]
        .filter(([, next]) => at >= (next as number))
        .map(([path]) => path as string)
        .sort();
      assert.ok(expected.includes('/tdx/certification/v4/tcb'));
      assert.deepEqual(refetched, expected);
    });

    it('treats a corrupt cache file as a miss and rewrites it', async () => {
      const dir = await tempDir();
      await writeFile(join(dir, 'rootcacrl.json'), '{not json');
      const before = s.hits.get('/sgx/certification/v4/rootcacrl') ?? 0;
      await createPcsClient({ baseUrl: s.url, cacheDir: dir }).getCollateral({
        tee: v.tee,
        fmspc: v.fmspc,
        ca: v.ca,
        at: v.now,
      });
      assert.equal(s.hits.get('/sgx/certification/v4/rootcacrl'), before + 1);
      const again = await createPcsClient({ baseUrl: s.url, cacheDir: dir }).getCollateral({
        tee: v.tee,
        fmspc: v.fmspc,
        ca: v.ca,
        at: v.now,
      });
      assert.deepEqual(again, parseCollateralJson(v.json));
      assert.equal(s.hits.get('/sgx/certification/v4/rootcacrl'), before + 1);
    });
  });

  describe('errors', () => {
    let v: Vector;
    let s: TestServer;
    before(async () => {
      v = loadVector('dcapqvl-sgx-v3');
      s = await serve(v);
    });
    const request = () => ({ tee: v.tee, fmspc: v.fmspc, ca: v.ca, at: v.now });

    it('reports a 404 (unknown FMSPC) as HttpStatus with the status', async () => {
      const client = createPcsClient({ baseUrl: s.url, cacheDir: await tempDir() });
      const e = await rejectsWith(
        client.getCollateral({ ...request(), fmspc: '000000000000' }),
        'HttpStatus',
      );
      assert.equal(e.details.status, 404);
    });

    it('reports a 500 as HttpStatus', async () => {
      s.overrides.set('/sgx/certification/v4/qe/identity', (_req, _url, res) => {
        res.statusCode = 500;
        res.end('oops');
      });
      try {
        const client = createPcsClient({ baseUrl: s.url, cacheDir: await tempDir() });
        const e = await rejectsWith(client.getCollateral(request()), 'HttpStatus');
        assert.equal(e.details.status, 500);
      } finally {
        s.overrides.clear();
      }
    });

    const garbage: [string, string, Route][] = [
      [
        'a CRL body that is not a CRL',
        '/sgx/certification/v4/pckcrl',
        (_q, _u, res) => {
          res.setHeader('SGX-PCK-CRL-Issuer-Chain', encodeURIComponent(v.json.pck_crl_issuer_chain!));
          res.end('garbage');
        },
      ],
      [
        'a missing issuer chain header',
        '/sgx/certification/v4/pckcrl',
        (_q, _u, res) => {
          res.end(Buffer.from(v.json.pck_crl!, 'hex'));
        },
      ],
      [
        'a TCB info body that is not JSON',
        '/sgx/certification/v4/tcb',
        (_q, _u, res) => {
          res.setHeader('TCB-Info-Issuer-Chain', encodeURIComponent(v.json.tcb_info_issuer_chain!));
          res.end('{"tcbInfo":');
        },
      ],
      [
        'a TCB info with a short signature',
        '/sgx/certification/v4/tcb',
        (_q, _u, res) => {
          res.setHeader('TCB-Info-Issuer-Chain', encodeURIComponent(v.json.tcb_info_issuer_chain!));
          res.end(`{"tcbInfo":${v.json.tcb_info},"signature":"abcd"}`);
        },
      ],
      [
        'a QE identity without enclaveIdentity',
        '/sgx/certification/v4/qe/identity',
        (_q, _u, res) => {
          res.setHeader(
            'SGX-Enclave-Identity-Issuer-Chain',
            encodeURIComponent(v.json.qe_identity_issuer_chain!),
          );
          res.end(`{"qeIdentity":${v.json.qe_identity},"signature":"${v.json.qe_identity_signature}"}`);
        },
      ],
      [
        'a root CA CRL that is random bytes',
        '/sgx/certification/v4/rootcacrl',
        (_q, _u, res) => {
          res.end(Buffer.from([0xff, 0x00, 0x12]));
        },
      ],
    ];
    for (const [name, path, route] of garbage) {
      it(`reports ${name} as MalformedResponse`, async () => {
        s.overrides.set(path, route);
        try {
          const client = createPcsClient({ baseUrl: s.url, cacheDir: await tempDir() });
          await rejectsWith(client.getCollateral(request()), 'MalformedResponse');
        } finally {
          s.overrides.clear();
        }
      });
    }

    it('reports a closed port as Unreachable', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise((r) => closed.close(r));
      const client = createPcsClient({ baseUrl: `http://127.0.0.1:${port}`, cacheDir: await tempDir() });
      await rejectsWith(client.getCollateral(request()), 'Unreachable');
    });

    it('refuses a malformed FMSPC, CA or TEE before any request', async () => {
      const client = createPcsClient({ baseUrl: s.url, cacheDir: await tempDir() });
      const before = total(s.hits);
      await rejectsWith(client.getCollateral({ ...request(), fmspc: '../../etc' }), 'InvalidRequest');
      await rejectsWith(client.getCollateral({ ...request(), ca: 'root' as never }), 'InvalidRequest');
      await rejectsWith(client.getCollateral({ ...request(), tee: 'sev' as never }), 'InvalidRequest');
      assert.equal(total(s.hits), before);
    });
  });
});
