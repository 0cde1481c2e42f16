// Parsing a certificate (node:crypto X509Certificate and its public key) costs more than anything
// else a cold verification does besides the signatures, and the same certificates recur: Intel's root
// tops every chain, the TCB signing certificate signs both TCB info and QE identity, and the PCK CA is
// in the quote's chain and in the PCK CRL issuer chain. A cache parses each distinct DER once. Keyed
// by the exact DER bytes; bounded, because the input is attacker-chosen.
import { type ParsedCertificate, parseCertificate } from './parseCertificate.js';

export type ParseCertificate = (der: Uint8Array, what?: string) => ParsedCertificate;

export function createCertificateCache(
  seed: readonly ParsedCertificate[] = [],
  maxEntries = 1024,
): ParseCertificate {
  const byDer = new Map<string, ParsedCertificate>();
  const keyOf = (der: Uint8Array) =>
    Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  for (const cert of seed) byDer.set(keyOf(cert.der), cert);
  return (der, what) => {
    const key = keyOf(der);
    const hit = byDer.get(key);
    if (hit !== undefined) return hit;
    const parsed = parseCertificate(der, what);
    // Never evict the seeded trust anchors: only what was parsed later goes.
    if (byDer.size >= maxEntries + seed.length) {
      for (const k of byDer.keys()) {
        if (!seed.some((s) => keyOf(s.der) === k)) {
          byDer.delete(k);
          break;
        }
      }
    }
    byDer.set(key, parsed);
    return parsed;
  };
}
