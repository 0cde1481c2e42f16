import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runPhalanx } from '../testing.js';
import { EXIT_USAGE, UsageError } from './cliSupport.js';
import { devnetPollIntervalMs, MAX_DEVNET_NODES, parseAttestationValidity, parseNodes } from './devnet.js';

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

describe('devnet --nodes', () => {
  it('is one node by default and takes 1 to 5', () => {
    assert.equal(parseNodes(undefined), 1);
    assert.equal(MAX_DEVNET_NODES, 5);
    for (let n = 1; n <= MAX_DEVNET_NODES; n++) assert.equal(parseNodes(String(n)), n);
  });

  it('refuses a count out of range or not a whole number as a usage error', () => {
    for (const value of ['0', '6', '10', '', 'three', '2.5', '-1', ' 3', '3x', '007']) {
      assert.throws(
        () => parseNodes(value),
        (error: unknown) => {
          assert.ok(error instanceof UsageError);
          assert.equal(error.message, `--nodes: expected 1-5, got "${value}"`);
          return true;
        },
      );
    }
  });

  it('stops `phalanx devnet --nodes 6` with exit status 2 before it starts anything', async () => {
    const run = await runPhalanx('devnet', '--tmp', '--nodes', '6', '--rpc-port', '0');
    assert.equal(run.code, EXIT_USAGE);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^error: --nodes: expected 1-5, got "6"$/);
  });
});
