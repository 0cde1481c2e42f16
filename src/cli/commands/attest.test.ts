// The `attest` actions run in-process with an output sink; the network is a local PCCS-shaped
// server (src/pcs/testing/pcsTestServer.ts) and the clock is injected.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadVector, startServer, type TestServer } from '../../pcs/testing/pcsTestServer.js';
import {
  type AttestVerifyOptions,
  registerAttestCommands,
  runAttestSimQuote,
  runAttestVerify,
} from './attest.js';
import type { OutputSink } from './cliSupport.js';

const V = fileURLToPath(new URL('../../../../shared/vectors/attestation/', import.meta.url));
const CLOCK = () => {
  throw new Error('the wall clock must not be read when --at is given');
};

interface Captured extends OutputSink {
  stdout: string[];
  stderr: string[];
}
function sink(): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

async function verifyJson(opts: AttestVerifyOptions, deps = {}) {
  const io = sink();
  const code = await runAttestVerify({ ...opts, json: true }, io, { now: CLOCK, ...deps });
  assert.equal(io.stdout.length, 1, `one JSON object expected; stderr: ${io.stderr.join('\n')}`);
  return { code, result: JSON.parse(io.stdout[0]!) as Record<string, unknown> };
}

const ias = (id: string) => ({
  iasReport: join(V, `ias/${id}/report.json`),
  iasSignature: join(V, `ias/${id}/signature.b64`),
  iasCert: join(V, `ias/${id}/signing-cert.der`),
});
const dcap = (id: string) => ({
  quote: join(V, `dcap/${id}/quote.bin`),
  collateral: join(V, `dcap/${id}/collateral.json`),
});

describe('phalanx attest verify', () => {
  let dir: string;
  let server: TestServer;
  const servers: Server[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phalanx-attest-'));
  });
  after(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies a DCAP SGX quote with its collateral file and prints the facts as JSON (exit 0)', async () => {
    const { code, result } = await verifyJson({ ...dcap('dcapqvl-sgx-v3'), at: '1752000000' });
    assert.equal(code, 0);
    assert.equal(result.valid, true);
    assert.equal(result.tee, 'sgx');
    assert.equal(result.quoteVersion, 3);
    assert.equal(result.tcbStatus, 'ConfigurationAndSWHardeningNeeded');
    assert.deepEqual(result.advisoryIds, ['INTEL-SA-00289', 'INTEL-SA-00615']);
    assert.equal(result.debug, false);
    assert.equal(
      (result.measurements as Record<string, string>).mrEnclave,
      '33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb',
    );
    assert.match(result.reportData as string, /^48656c6c6f2c20776f726c6421/);
    assert.equal(typeof result.collateralExpiresAt, 'number');
    assert.equal(result.error, undefined);
  });

  it('verifies a zero-padded TDX quote', async () => {
    const { code, result } = await verifyJson({ ...dcap('dcapqvl-tdx-v4'), at: '1752000000' });
    assert.equal(code, 0);
    assert.equal(result.tee, 'tdx');
    assert.equal(result.tcbStatus, 'UpToDate');
  });

  it('fetches the collateral from a PCCS when no collateral file is given, then serves it from the cache', async () => {
    const v = loadVector('dcapqvl-sgx-v3');
    server = await startServer(v);
    servers.push(server.server);
    const opts = {
      quote: join(V, 'dcap/dcapqvl-sgx-v3/quote.bin'),
      pccsUrl: server.url,
      cacheDir: join(dir, 'cache'),
      at: '1752000000',
    };
    const first = await verifyJson(opts);
    assert.equal(first.code, 0);
    assert.equal(first.result.tcbStatus, 'ConfigurationAndSWHardeningNeeded');
    const hits = [...server.hits.values()].reduce((a, b) => a + b, 0);
    assert.equal(hits, 4);
    const second = await verifyJson(opts);
    assert.deepEqual(second.result, first.result);
    assert.equal(
      [...server.hits.values()].reduce((a, b) => a + b, 0),
      4,
    );
  });

  it('rejects a quote whose TCB is not supported, naming the reason (exit 1)', async () => {
    const { code, result } = await verifyJson({ ...dcap('dcapqvl-tdx-v5-outdated'), at: '1773000000' });
    assert.equal(code, 1);
    assert.equal(result.valid, false);
    assert.equal(typeof (result.error as { code: string }).code, 'string');
  });

  it('reports an unreachable PCCS as a rejection with its code', async () => {
    const { code, result } = await verifyJson({
      quote: join(V, 'dcap/dcapqvl-sgx-v3/quote.bin'),
      pccsUrl: 'http://127.0.0.1:1',
      cacheDir: join(dir, 'empty-cache'),
      at: '1752000000',
    });
    assert.equal(code, 1);
    assert.equal((result.error as { code: string }).code, 'Unreachable');
  });

  it('verifies an IAS report and prints its quote status (exit 0)', async () => {
    const { code, result } = await verifyJson({ ...ias('ias-phala-pallet-sample'), at: '1631470040' });
    assert.equal(code, 0);
    assert.equal(result.kind, 'ias');
    assert.equal(result.quoteStatus, 'SW_HARDENING_NEEDED');
    assert.equal(result.tcbStatus, undefined);
    assert.deepEqual(result.advisoryIds, ['INTEL-SA-00334']);
    assert.equal(result.producedAt, Date.UTC(2021, 8, 12, 18, 6, 20) / 1000);
  });

  it('accepts the IAS certificate as the URL-encoded PEM chain header', async () => {
    const der = await readFile(join(V, 'ias/ias-phala-pallet-sample/signing-cert.der'));
    const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    const ca = await readFile(join(V, 'roots/intel-sgx-attestation-report-signing-ca.pem'), 'utf8');
    const header = join(dir, 'signing-cert.header');
    await writeFile(header, encodeURIComponent(pem + ca));
    const { code } = await verifyJson({
      ...ias('ias-phala-pallet-sample'),
      iasCert: header,
      at: '1631470040',
    });
    assert.equal(code, 0);
  });

  it('rejects an IAS report after its signing certificate expired (exit 1, CertificateExpired)', async () => {
    const { code, result } = await verifyJson({
      ...ias('ias-phala-pallet-sample'),
      at: String(Date.UTC(2027, 0, 1) / 1000),
    });
    assert.equal(code, 1);
    assert.deepEqual(Object.keys(result).sort(), ['error', 'valid']);
    assert.equal((result.error as { code: string }).code, 'CertificateExpired');
  });

  it('reports valid evidence that policy refuses, with the reason (exit 1)', async () => {
    const policy = join(dir, 'policy.json');
    await writeFile(policy, '{}');
    const { code, result } = await verifyJson({
      ...ias('ias-attestation-cert-hw-v2'),
      at: '1592217800',
      policy,
    });
    assert.equal(code, 1);
    assert.equal(result.valid, true);
    assert.deepEqual((result.policy as { reason: { code: string } }).reason.code, 'DebugRefused');
    assert.equal((result.error as { code: string }).code, 'PolicyRejected');
    const accepted = await verifyJson({ ...ias('ias-phala-pallet-sample'), at: '1631470040', policy });
    assert.equal(accepted.code, 0);
    assert.deepEqual(accepted.result.policy, { accepted: true, confidence: 2 });
  });

  it('prints a human verdict by default', async () => {
    const io = sink();
    const code = await runAttestVerify({ ...ias('ias-phala-pallet-sample'), at: '1631470040' }, io, {
      now: CLOCK,
    });
    assert.equal(code, 0);
    assert.match(io.stdout[0]!, /^VALID/);
    assert.ok(io.stdout.some((l) => l.includes('SW_HARDENING_NEEDED')));
    const rejected = sink();
    assert.equal(
      await runAttestVerify({ ...ias('ias-phala-pallet-sample'), at: '2000000000' }, rejected, {
        now: CLOCK,
      }),
      1,
    );
    assert.match(rejected.stdout[0]!, /^REJECTED {2}CertificateExpired/);
  });

  it('uses the injected clock when --at is absent', async () => {
    const { code } = await verifyJson(ias('ias-phala-pallet-sample'), { now: () => 1631470040_000 });
    assert.equal(code, 0);
  });

  const usage: [string, AttestVerifyOptions][] = [
    ['no evidence at all', {}],
    ['both a quote and an IAS report', { ...dcap('dcapqvl-sgx-v3'), ...ias('ias-phala-pallet-sample') }],
    ['an incomplete IAS triple', { iasReport: ias('ias-phala-pallet-sample').iasReport }],
    ['an unreadable quote file', { quote: '/nonexistent/quote.bin', at: '1' }],
    [
      'an unreadable collateral file',
      { quote: dcap('dcapqvl-sgx-v3').quote, collateral: '/nonexistent.json', at: '1' },
    ],
    ['a malformed --at', { ...dcap('dcapqvl-sgx-v3'), at: 'yesterday' }],
    ['an unreadable policy', { ...dcap('dcapqvl-sgx-v3'), at: '1', policy: '/nonexistent/policy.json' }],
    ['an unreadable trusted root', { ...dcap('dcapqvl-sgx-v3'), at: '1', trustedRoot: ['/nonexistent.der'] }],
  ];
  for (const [name, opts] of usage) {
    it(`exits 2 on ${name}`, async () => {
      const io = sink();
      assert.equal(await runAttestVerify(opts, io, { now: () => 1752000000_000 }), 2);
      assert.equal(io.stdout.length, 0);
      assert.match(io.stderr.join('\n'), /^error: /);
    });
  }

  it('exits 2 on a policy file that does not parse', async () => {
    const policy = join(dir, 'bad-policy.json');
    await writeFile(policy, '{"allowdebug": true}');
    const io = sink();
    assert.equal(await runAttestVerify({ ...dcap('dcapqvl-sgx-v3'), at: '1752000000', policy }, io), 2);
    assert.match(io.stderr[0]!, /allowdebug|Unrecognized/i);
  });
});

describe('phalanx attest sim-quote', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phalanx-sim-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  for (const tee of ['sgx', 'tdx'] as const) {
    it(`writes a ${tee} sim quote that verifies only against the sim root`, async () => {
      const out = join(dir, tee);
      const io = sink();
      const code = await runAttestSimQuote(
        { tee, reportData: 'c0ffee', out, at: '1750000000', seed: '01020304' },
        io,
        { now: CLOCK },
      );
      assert.equal(code, 0, io.stderr.join('\n'));
      const files = { quote: join(out, 'quote.bin'), collateral: join(out, 'collateral.json') };
      const trusted = await verifyJson({
        ...files,
        trustedRoot: [join(out, 'sim-root.der')],
        at: '1750000060',
      });
      assert.equal(trusted.code, 0);
      assert.equal(trusted.result.tee, tee);
      assert.equal(trusted.result.reportData, `c0ffee${'00'.repeat(61)}`);
      const untrusted = await verifyJson({ ...files, at: '1750000060' });
      assert.equal(untrusted.code, 1);
      assert.equal((untrusted.result.error as { code: string }).code, 'UntrustedRoot');
    });
  }

  it('writes a debug quote with the chosen TCB status, which the default policy refuses', async () => {
    const out = join(dir, 'debug');
    assert.equal(
      await runAttestSimQuote(
        { tee: 'sgx', reportData: '00', out, at: '1750000000', debug: true, tcbStatus: 'SWHardeningNeeded' },
        sink(),
      ),
      0,
    );
    const policy = join(dir, 'default-policy.json');
    await writeFile(policy, '{}');
    const { code, result } = await verifyJson({
      quote: join(out, 'quote.bin'),
      collateral: join(out, 'collateral.json'),
      trustedRoot: [join(out, 'sim-root.der')],
      at: '1750000060',
      policy,
    });
    assert.equal(code, 1);
    assert.equal(result.valid, true);
    assert.equal(result.debug, true);
    assert.equal(result.tcbStatus, 'SWHardeningNeeded');
    assert.equal((result.policy as { reason: { code: string } }).reason.code, 'DebugRefused');
  });

  it('is deterministic for a given seed and time', async () => {
    const a = join(dir, 'det-a');
    const b = join(dir, 'det-b');
    await runAttestSimQuote({ tee: 'tdx', reportData: '11', out: a, at: '1750000000', seed: 'aa' }, sink());
    await runAttestSimQuote({ tee: 'tdx', reportData: '11', out: b, at: '1750000000', seed: 'aa' }, sink());
    // Keys and signed collateral text are fixed by the seed (ECDSA signatures are not).
    const rootKey = async (d: string) =>
      new X509Certificate(await readFile(join(d, 'sim-root.der'))).publicKey.export({
        type: 'spki',
        format: 'der',
      });
    assert.deepEqual(await rootKey(a), await rootKey(b));
    const collateral = async (d: string) =>
      JSON.parse(await readFile(join(d, 'collateral.json'), 'utf8')) as Record<string, string>;
    const [ca, cb] = [await collateral(a), await collateral(b)];
    assert.equal(ca.tcb_info, cb.tcb_info);
    const other = join(dir, 'det-c');
    await runAttestSimQuote(
      { tee: 'tdx', reportData: '11', out: other, at: '1750000000', seed: 'ab' },
      sink(),
    );
    assert.notDeepEqual(await rootKey(a), await rootKey(other));
  });

  const usage: [string, Record<string, unknown>][] = [
    ['an unknown TEE', { tee: 'sev', reportData: '00', out: '/tmp/x' }],
    ['report data that is not hex', { tee: 'sgx', reportData: 'zz', out: '/tmp/x' }],
    ['report data over 64 bytes', { tee: 'sgx', reportData: '00'.repeat(65), out: '/tmp/x' }],
    ['an unknown TCB status', { tee: 'sgx', reportData: '00', tcbStatus: 'Fine', out: '/tmp/x' }],
    ['a missing --out', { tee: 'sgx', reportData: '00' }],
  ];
  for (const [name, opts] of usage) {
    it(`exits 2 on ${name}`, async () => {
      const io = sink();
      assert.equal(await runAttestSimQuote({ at: '1750000000', ...opts }, io), 2);
      assert.match(io.stderr.join('\n'), /^error: /);
    });
  }
});

describe('registerAttestCommands', () => {
  it('wires verify into commander with its flags and sets the exit status', async () => {
    const io = sink();
    const program = new Command().exitOverride();
    registerAttestCommands(program, io);
    const saved = process.exitCode;
    try {
      await program.parseAsync(
        [
          'attest',
          'verify',
          '--ias-report',
          ias('ias-phala-pallet-sample').iasReport,
          '--ias-signature',
          ias('ias-phala-pallet-sample').iasSignature,
          '--ias-cert',
          ias('ias-phala-pallet-sample').iasCert,
          '--at',
          '1631470040',
          '--json',
        ],
        { from: 'user' },
      );
      assert.equal(process.exitCode, 0);
      assert.equal((JSON.parse(io.stdout[0]!) as { quoteStatus: string }).quoteStatus, 'SW_HARDENING_NEEDED');
    } finally {
      process.exitCode = saved;
    }
  });
});
