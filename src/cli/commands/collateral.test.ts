import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadVector, startServer, type TestServer } from '../../pcs/testing/pcsTestServer.js';
import type { OutputSink } from './cliSupport.js';
import { runCollateralFetch } from './collateral.js';

const V = fileURLToPath(new URL('../../../../shared/vectors/attestation/', import.meta.url));

function sink(): OutputSink & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('phalanx collateral fetch', () => {
  let dir: string;
  let server: TestServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phalanx-collateral-'));
    server = await startServer(loadVector('dcapqvl-tdx-v4'));
  });
  after(async () => {
    await new Promise((r) => server.server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the collateral of a quote in the vectors JSON form, identical to the recorded one', async () => {
    const out = join(dir, 'collateral.json');
    const io = sink();
    const code = await runCollateralFetch(
      {
        quote: join(V, 'dcap/dcapqvl-tdx-v4/quote.bin'),
        out,
        pccsUrl: server.url,
        cacheDir: join(dir, 'cache'),
        at: '1752000000',
        json: true,
      },
      io,
    );
    assert.equal(code, 0, io.stderr.join('\n'));
    assert.deepEqual(JSON.parse(io.stdout[0]!), {
      ok: true,
      out,
      tee: 'tdx',
      fmspc: 'b0c06f000000',
      ca: 'platform',
    });
    const written = JSON.parse(await readFile(out, 'utf8')) as Record<string, string>;
    const recorded = JSON.parse(
      await readFile(join(V, 'dcap/dcapqvl-tdx-v4/collateral.json'), 'utf8'),
    ) as Record<string, string>;
    for (const key of Object.keys(recorded)) {
      const normalise = (s: string) => (/^[0-9a-fA-F]+$/.test(s) ? s.toLowerCase() : s);
      assert.equal(normalise(written[key]!), normalise(recorded[key]!), key);
    }
  });

  it('exits 1 with the typed code when the quote does not parse', async () => {
    const io = sink();
    const code = await runCollateralFetch(
      {
        quote: join(V, 'ias/ias-phala-pallet-sample/report.json'),
        out: join(dir, 'x.json'),
        pccsUrl: server.url,
        cacheDir: join(dir, 'cache'),
        at: '1752000000',
      },
      io,
    );
    assert.equal(code, 1);
    assert.match(io.stderr[0]!, /^error: (MalformedQuote|UnsupportedQuoteVersion)/);
  });

  it('exits 2 on missing flags or an unreadable quote', async () => {
    assert.equal(await runCollateralFetch({ out: join(dir, 'y.json') }, sink()), 2);
    assert.equal(await runCollateralFetch({ quote: join(V, 'dcap/dcapqvl-tdx-v4/quote.bin') }, sink()), 2);
    assert.equal(
      await runCollateralFetch({ quote: '/nonexistent', out: join(dir, 'z.json'), at: '1' }, sink()),
      2,
    );
  });
});
