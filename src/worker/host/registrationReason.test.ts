import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Header } from '../../codec/chain.js';
import { WORKER_INFO_VERSION, type WorkerRecord } from '../../runtime/registry/types.js';
import { REATTEST_MIN_BLOCKS, reattestMargin, registrationReason } from './registrationReason.js';

const T0 = 1_700_000_000_000n;

/** A record attested at T0 for `validityMs`, named recent block 7. */
function recordValidFor(validityMs: bigint): WorkerRecord {
  return {
    info: {
      version: WORKER_INFO_VERSION,
      pubkey: new Uint8Array(32).fill(1),
      ecdhPubkey: new Uint8Array(32).fill(2),
      genesisHash: new Uint8Array(32),
      operator: new Uint8Array(32).fill(3),
      features: { cores: 1, tee: 'sgx' },
      recentBlock: { number: 7, hash: new Uint8Array(32) },
    },
    attestation: {
      provider: 'dcap',
      tee: 'sgx',
      tcbStatus: 'UpToDate',
      quoteStatus: undefined,
      advisoryIds: [],
      confidenceLevel: 1,
      measurement: {
        tag: 'Sgx',
        value: { mrEnclave: new Uint8Array(32), mrSigner: new Uint8Array(32), isvProdId: 0, isvSvn: 0 },
      },
      attestedAt: T0,
      expiresAt: T0 + validityMs,
    },
    registeredAt: 8,
  };
}

const headAt = (timestamp: bigint): Header => ({
  parentHash: new Uint8Array(32),
  number: 100,
  timestamp,
  stateRoot: new Uint8Array(32),
  extrinsicsRoot: new Uint8Array(32),
  eventsRoot: new Uint8Array(32),
  author: new Uint8Array(32),
});

const DAY = 24n * 3600n * 1000n;
const timing = { blockIntervalMs: 500n };

describe('re-attestation margin', () => {
  it('is a quarter of the validity, so a day-long registration is renewed after 18 hours', () => {
    assert.equal(reattestMargin(recordValidFor(DAY), timing), DAY / 4n);
  });

  it('is at least a few block intervals, so a short validity is renewed in time to be included', () => {
    // 12 s of validity on 1-second blocks: a quarter (3 s) would leave three blocks; five are kept.
    assert.equal(
      reattestMargin(recordValidFor(12_000n), { blockIntervalMs: 1000n }),
      REATTEST_MIN_BLOCKS * 1000n,
    );
  });

  it('is at most half the validity, so a fresh registration is not renewed at once', () => {
    assert.equal(reattestMargin(recordValidFor(4000n), { blockIntervalMs: 1000n }), 2000n);
  });

  it('is the configured margin when one is given', () => {
    assert.equal(reattestMargin(recordValidFor(DAY), { ...timing, marginMs: 60_000n }), 60_000n);
  });
});

describe('registration reason', () => {
  const record = recordValidFor(30_000n);

  it('registers a worker the chain does not know', () => {
    assert.equal(registrationReason(undefined, undefined, headAt(T0), timing), 'not registered');
  });

  it('keeps a registration far from its expiry as it is', () => {
    assert.equal(registrationReason('Provisioned', record, headAt(T0 + 1000n), timing), undefined);
    assert.equal(registrationReason('Registered', record, headAt(T0 + 22_499n), timing), undefined);
  });

  it('re-attests once the head is within the margin of the expiry (a quarter of 30 s)', () => {
    assert.equal(
      registrationReason('Provisioned', record, headAt(T0 + 22_500n), timing),
      're-attesting before expiry',
    );
    assert.equal(
      registrationReason('Registered', record, headAt(T0 + 29_999n), timing),
      're-attesting before expiry',
    );
  });

  it('registers again once Expired, or lapsed at the head even before the chain marks it', () => {
    assert.equal(registrationReason('Expired', record, headAt(T0 + 1000n), timing), 'registration expired');
    assert.equal(
      registrationReason('Provisioned', record, headAt(T0 + 30_000n), timing),
      'registration expired',
    );
  });
});
