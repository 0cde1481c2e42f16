// Where the host gets DCAP collateral for a quote (DESIGN.md section 4, step 3): the sim PKI bundles
// it (insecure, development only), real TEEs fetch it from Intel's PCS or a PCCS through the on-disk
// cache in src/pcs. Nothing here is trusted: the chain and the gatekeepers verify what is sent.
import { type Collateral, parseCollateralJson } from '../../attestation/collateral.js';
import { readPckInfo } from '../../attestation/dcap/readPckInfo.js';
import type { SimPki } from '../../attestation/sim/index.js';
import type { PcsClient } from '../../pcs/createPcsClient.js';
import type { TeeKind } from '../../runtime/registry/types.js';

export interface CollateralSource {
  readonly kind: 'sim' | 'pcs';
  /** Collateral valid at `atMs` (ms since the epoch) for `quote`. */
  collateralFor(quote: Uint8Array, tee: TeeKind, atMs: number): Promise<Collateral>;
}

/** INSECURE: the collateral the sim PKI signed, as a development chain that trusts the sim root expects. */
export function createSimCollateralSource(pki: SimPki): CollateralSource {
  return {
    kind: 'sim',
    collateralFor: async (_quote, tee) => parseCollateralJson(pki.collateral(tee)),
  };
}

export function createPcsCollateralSource(pcs: PcsClient): CollateralSource {
  return {
    kind: 'pcs',
    async collateralFor(quote, _tee, atMs) {
      const { tee, fmspc, ca } = readPckInfo(quote);
      return pcs.getCollateral({
        tee,
        fmspc: Buffer.from(fmspc).toString('hex'),
        ca,
        at: Math.floor(atMs / 1000),
      });
    },
  };
}
