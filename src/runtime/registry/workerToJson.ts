// A worker's record -> its JSON view (schemas.ts): names instead of SCALE indices, an address for
// the operator, decimal strings for u64 times.
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import type { WorkerView } from './queries.js';
import type { MeasurementJson, WorkerJson } from './schemas.js';
import type { Measurement } from './types.js';

function measurementToJson(measurement: Measurement): MeasurementJson {
  if (measurement.tag === 'Sgx') {
    const { mrEnclave, mrSigner, isvProdId, isvSvn } = measurement.value;
    return { tee: 'sgx', mrEnclave: toHex(mrEnclave), mrSigner: toHex(mrSigner), isvProdId, isvSvn };
  }
  const { mrTd, rtmr0, rtmr1, rtmr2, rtmr3 } = measurement.value;
  return {
    tee: 'tdx',
    mrTd: toHex(mrTd),
    rtmr0: toHex(rtmr0),
    rtmr1: toHex(rtmr1),
    rtmr2: toHex(rtmr2),
    rtmr3: toHex(rtmr3),
  };
}

/** `simInsecure`: see WorkerJsonSchema; the caller reads the policy once per request. */
export function workerToJson(view: WorkerView, simInsecure: boolean): WorkerJson {
  const { info, attestation, benchmark } = view;
  return {
    pubkey: toHex(view.pubkey),
    state: view.state,
    operator: encodeAddress(info.operator),
    ecdhPubkey: toHex(info.ecdhPubkey),
    genesisHash: toHex(info.genesisHash),
    features: { cores: info.features.cores, tee: info.features.tee },
    recentBlock: { number: info.recentBlock.number, hash: toHex(info.recentBlock.hash) },
    registeredAt: view.registeredAt,
    attestation: {
      provider: attestation.provider,
      tee: attestation.tee,
      tcbStatus: attestation.tcbStatus ?? null,
      quoteStatus: attestation.quoteStatus ?? null,
      advisoryIds: attestation.advisoryIds,
      confidenceLevel: attestation.confidenceLevel,
      measurement: measurementToJson(attestation.measurement),
      attestedAt: attestation.attestedAt.toString(),
      expiresAt: attestation.expiresAt.toString(),
      simInsecure,
    },
    benchmark: benchmark ? { score: benchmark.score, blockNumber: benchmark.blockNumber } : null,
  };
}
