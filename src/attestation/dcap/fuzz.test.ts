// A few thousand fuzz inputs on every `npm test` (scripts/fuzz-attestation.ts runs 100,000): random,
// truncated, length-corrupted and mutated quotes and collateral give an AttestationError or exactly
// the untouched vector's verdict, never another exception, never a hang.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDcapFuzz } from '../../../scripts/fuzz-attestation.js';

describe('DCAP verifier fuzz', () => {
  it('never throws anything but an AttestationError and never accepts a signed or structural change', () => {
    const report = runDcapFuzz({ runs: 2000, seed: 20261123 });
    assert.equal(report.runs, 2000);
    // The mix must exercise rejections broadly, not one early check.
    assert.ok(Object.keys(report.rejected).length >= 10, JSON.stringify(report.rejected));
  });
});
