import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AttestationError } from '../attestation/errors.js';
import { bytesToHex } from '../codec/bytes.js';
import { readQuotePckInfo } from './readQuotePckInfo.js';

const quote = (id: string) =>
  new Uint8Array(
    readFileSync(new URL(`../../../shared/vectors/attestation/dcap/${id}/quote.bin`, import.meta.url)),
  );

describe('readQuotePckInfo', () => {
  it('reads TEE, FMSPC and PCK CA from the PCK certificate in the quote', () => {
    // FMSPCs as in each vector's TCB info; the CA from the PCK certificate's issuer.
    const cases: [string, string, string, string][] = [
      ['dcapqvl-sgx-v3', 'sgx', '00a067110000', 'processor'],
      ['dcapqvl-tdx-v4', 'tdx', 'b0c06f000000', 'platform'],
      ['automata-sgx-v3', 'sgx', '00606a000000', 'platform'],
    ];
    for (const [id, tee, fmspc, ca] of cases) {
      const info = readQuotePckInfo(quote(id));
      assert.deepEqual({ tee: info.tee, fmspc: bytesToHex(info.fmspc), ca: info.ca }, { tee, fmspc, ca }, id);
    }
  });

  it('throws only AttestationError on truncated quotes', () => {
    const q = quote('dcapqvl-sgx-v3');
    fc.assert(
      fc.property(fc.nat({ max: 1000 }), (n) => {
        assert.throws(() => readQuotePckInfo(q.slice(0, n)), AttestationError);
      }),
      { numRuns: 100 },
    );
  });
});
