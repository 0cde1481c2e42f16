import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from './cliSupport.js';
import { devnetPollIntervalMs, parseAttestationValidity } from './devnet.js';

describe('devnet --attestation-validity', () => {
  it('reads milliseconds, seconds, minutes and hours', () => {
    assert.equal(parseAttestationValidity(undefined), undefined);
    assert.equal(parseAttestationValidity('30000'), 30_000);
    assert.equal(parseAttestationValidity('25000ms'), 25_000);
    assert.equal(parseAttestationValidity('30s'), 30_000);
    assert.equal(parseAttestationValidity('10m'), 600_000);
    assert.equal(parseAttestationValidity('24h'), 86_400_000);
  });

  it('refuses what a worker could not keep up with, or the policy would refuse, as a usage error', () => {
    for (const value of ['9s', '0', '', '30 s', '1.5h', '-30s', '30d', '8785h']) {
      assert.throws(
        () => parseAttestationValidity(value),
        (error: unknown) => {
          assert.ok(error instanceof UsageError);
          assert.match(error.message, /--attestation-validity: expected 10s to 366 days/);
          return true;
        },
      );
    }
  });
});

describe('devnet workers’ --poll-interval', () => {
  it('is half a block, at least 50 ms and at most a second', () => {
    assert.equal(devnetPollIntervalMs(500), 250);
    assert.equal(devnetPollIntervalMs(200), 100);
    assert.equal(devnetPollIntervalMs(40), 50);
    assert.equal(devnetPollIntervalMs(6000), 1000);
  });
});
