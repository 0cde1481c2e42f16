// The collateral JSON form of ../shared/vectors/attestation/*/collateral.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { collateralToJson, parseCollateralJson } from './collateral.js';

const json = JSON.parse(
  readFileSync(
    new URL('../../../shared/vectors/attestation/dcap/dcapqvl-tdx-v4/collateral.json', import.meta.url),
    'utf8',
  ),
) as Record<string, string>;

describe('collateral JSON', () => {
  it('round-trips a vector collateral field for field', () => {
    const c = parseCollateralJson(json);
    assert.equal(c.tcbInfoSignature.length, 64);
    assert.equal(c.tcbInfo, json.tcb_info);
    assert.deepEqual(collateralToJson(c), json);
  });

  it('rejects a missing field, non-hex bytes and a signature of the wrong length with MalformedCollateral', () => {
    const { tcb_info: _, ...missing } = json;
    for (const bad of [
      missing,
      { ...json, pck_crl: 'zz' },
      { ...json, qe_identity_signature: 'abcd' },
      { ...json, tcb_info: 42 },
      null,
      'collateral',
    ]) {
      assert.throws(() => parseCollateralJson(bad), { code: 'MalformedCollateral' });
    }
  });
});
