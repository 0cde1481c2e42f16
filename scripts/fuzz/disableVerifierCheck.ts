// Deliberately broken verifiers for the fuzz oracle's self-test, made without editing src/: node:crypto
// is patched (its CommonJS exports, then `syncBuiltinESMExports`, which updates the live ESM bindings
// that the verifier imported) so that one kind of signature check always passes. Each kind is
// recognised by what it verifies, and the patch counts how often it lied: a self-test whose patch
// never fired proves nothing and says so. For self-tests only; `restore` undoes the patch.
import crypto, { X509Certificate } from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

export const DISABLED_CHECKS = [
  /** The PCK key's signature over the QE report: the only 384-byte message anything signs here. */
  'qeReportSignature',
  /** The attestation key's signature over the header and body (SGX 432 or TDX 632 bytes; v5: 6 more). */
  'quoteSignature',
  /** The TCB signing key's signatures over the TCB info and QE identity JSON. */
  'collateralSignature',
  /** Certificate signatures (node:crypto's X509Certificate.verify). */
  'certificateSignature',
  /** CRL signatures: DER-encoded ECDSA over a TBSCertList (a DER SEQUENCE). */
  'crlSignature',
] as const;

export type DisabledCheck = (typeof DISABLED_CHECKS)[number];

export interface DisabledCheckHandle {
  /** How many real checks the patch answered with "valid" so far. */
  bypassed(): number;
  restore(): void;
}

const QUOTE_SIGNED_LENGTHS = new Set([432, 632, 438, 638, 702]);

type VerifyArgs = [string | null | undefined, Uint8Array, unknown, Uint8Array];

function isDer(options: unknown): boolean {
  if (typeof options !== 'object' || options === null || !('dsaEncoding' in options)) return true;
  return (options as { dsaEncoding?: string }).dsaEncoding !== 'ieee-p1363';
}

const matchers: Record<Exclude<DisabledCheck, 'certificateSignature'>, (args: VerifyArgs) => boolean> = {
  qeReportSignature: ([, data]) => data.length === 384,
  quoteSignature: ([, data]) => QUOTE_SIGNED_LENGTHS.has(data.length),
  collateralSignature: ([, data]) => data[0] === 0x7b, // '{'
  crlSignature: ([, data, key]) => data[0] === 0x30 && isDer(key),
};

export function disableVerifierCheck(check: DisabledCheck): DisabledCheckHandle {
  let bypassed = 0;
  if (check === 'certificateSignature') {
    const original = Object.getOwnPropertyDescriptor(X509Certificate.prototype, 'verify')!;
    Object.defineProperty(X509Certificate.prototype, 'verify', {
      ...original,
      value(this: X509Certificate) {
        bypassed++;
        return true;
      },
    });
    return {
      bypassed: () => bypassed,
      restore: () => Object.defineProperty(X509Certificate.prototype, 'verify', original),
    };
  }
  const matches = matchers[check];
  const original = crypto.verify;
  const patched = (...args: unknown[]): unknown => {
    const data = typeof args[1] === 'string' ? Buffer.from(args[1]) : args[1];
    if (
      args.length === 4 &&
      data instanceof Uint8Array &&
      matches([args[0], data, args[2], args[3]] as VerifyArgs)
    ) {
      bypassed++;
      return true;
    }
    return (original as (...a: unknown[]) => unknown)(...args);
  };
  (crypto as { verify: unknown }).verify = patched;
  syncBuiltinESMExports();
  return {
    bypassed: () => bypassed,
    restore: () => {
      (crypto as { verify: unknown }).verify = original;
      syncBuiltinESMExports();
    },
  };
}
