import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { bytesToHex } from '../../codec/bytes.js';
import { AttestationError } from '../errors.js';
import { readPckInfo } from './verifyQuote.js';

const VECTORS = new URL('../../../../shared/vectors/attestation/', import.meta.url);
const read = (path: string) => new Uint8Array(readFileSync(new URL(path, VECTORS)));

describe('readPckInfo', () => {
  it('names the TEE, the FMSPC and the Processor CA of the dcap-qvl SGX sample', () => {
    const info = readPckInfo(read('dcap/dcapqvl-sgx-v3/quote.bin'));
    assert.deepEqual(
      { ...info, fmspc: bytesToHex(info.fmspc) },
      { tee: 'sgx', fmspc: '00a067110000', ca: 'processor' },
    );
  });

  it('names the Platform CA of the dcap-qvl TDX sample, whose FMSPC matches its TCB info', () => {
    const info = readPckInfo(read('dcap/dcapqvl-tdx-v4/quote.bin'));
    const tcbInfo = JSON.parse(
      (
        JSON.parse(readFileSync(new URL('dcap/dcapqvl-tdx-v4/collateral.json', VECTORS), 'utf8')) as {
          tcb_info: string;
        }
      ).tcb_info,
    ) as { fmspc: string };
    assert.equal(info.tee, 'tdx');
    assert.equal(info.ca, 'platform');
    assert.equal(bytesToHex(info.fmspc), tcbInfo.fmspc.toLowerCase());
  });

  it('rejects a quote without a PCK chain (certification data type 1) and garbage with AttestationError', () => {
    assert.throws(
      () => readPckInfo(read('intel-test-pki/sgx/quote.dat')),
      (e: unknown) => {
        return e instanceof AttestationError && e.code === 'UnsupportedCertificationDataType';
      },
    );
    assert.throws(() => readPckInfo(new Uint8Array(100)), AttestationError);
  });
});
