// Which certificate of Intel's SGX PKI may sign what (Intel QVL: TCBSigningChain.cpp,
// PckCrlVerifier.cpp, PckCertVerifier.cpp and QuoteVerification.cpp; names in X509Constants.cpp).
// Chaining to a trusted root is not enough: every certificate below the root chains to it, among them
// each platform's PCK certificate, whose private key lives in that platform's CPU, which may be out
// of date or compromised: the very case TCB levels exist for. So each signature is pinned to the one
// role Intel gives it:
//
//   what is signed         signer                                              verified path
//   TCB info, QE identity  CN has "SGX TCB Signing", not a CA                  [signer, root]
//   PCK CRL                CN has "SGX PCK Platform CA" / "...Processor CA",   [CA, root]
//                          a CA
//   QE report              CN has "SGX PCK Certificate", not a CA, issued by   [PCK, CA, root]
//                          such a PCK CA
//
// Names are matched as QVL matches the TCB Signing one, by a phrase in the subject CN, so that the
// sim PKI, whose CNs carry the same phrases after "Phalanx SIM Insecure", takes the same roles. (QVL
// compares a PCK CA's whole subject with Intel's; a phrase is what another root can share, and the
// root itself is pinned by its bytes.) The path lengths are of the verified path, which ends in the
// pinned root whether or not the presented chain included it.
import { AttestationError, type AttestationErrorCode } from '../errors.js';
import type { ParsedCertificate } from '../x509/parseCertificate.js';
import { readCommonName } from '../x509/readCommonName.js';
import type { VerifiedChain } from '../x509/verifyCertificateChain.js';

export const TCB_SIGNING_CN_PHRASE = 'SGX TCB Signing';
export const PCK_CA_CN_PHRASES = ['SGX PCK Platform CA', 'SGX PCK Processor CA'] as const;
export const PCK_CN_PHRASE = 'SGX PCK Certificate';

function commonNameOf(cert: ParsedCertificate): string {
  return readCommonName(cert.subjectRaw, cert.subject);
}

/** A PCK Platform or Processor CA: a CA certificate whose CN names one of them. */
export function isPckCa(cert: ParsedCertificate): boolean {
  const cn = commonNameOf(cert);
  return cert.isCa && PCK_CA_CN_PHRASES.some((phrase) => cn.includes(phrase));
}

function failer(code: AttestationErrorCode, what: string, cert: ParsedCertificate | undefined) {
  return (why: string): never => {
    throw new AttestationError(code, `${what}: ${why}`, { subject: cert?.subject });
  };
}

/**
 * The certificate that may sign TCB info and QE identity: Intel's TCB Signing certificate, issued
 * by the root itself (QVL rejects any other chain length: EXPECTED_CERTIFICATE_COUNT_IN_TCB_CHAIN).
 */
export function checkTcbSigningChain(chain: VerifiedChain, what: string): ParsedCertificate {
  const signer = chain.certs[0]!;
  const fail = failer('TcbSigningCertificateInvalid', what, signer);
  if (chain.certs.length !== 2) {
    fail(
      `the signer ${signer.subject} is ${chain.certs.length - 1} certificates below the root; ` +
        'the TCB Signing certificate is issued by the root itself',
    );
  }
  if (signer.isCa) fail(`the signer ${signer.subject} is a CA certificate, not the TCB Signing certificate`);
  if (!commonNameOf(signer).includes(TCB_SIGNING_CN_PHRASE)) {
    fail(
      `the signer ${signer.subject} is not a TCB Signing certificate (CN without "${TCB_SIGNING_CN_PHRASE}")`,
    );
  }
  return signer;
}

/** The certificate that may sign a PCK CRL: a PCK Platform or Processor CA issued by the root. */
export function checkPckCrlIssuerChain(chain: VerifiedChain, what: string): ParsedCertificate {
  const issuer = chain.certs[0]!;
  const fail = failer('CrlInvalid', what, issuer);
  if (chain.certs.length !== 2) {
    fail(
      `the PCK CRL issuer ${issuer.subject} is ${chain.certs.length - 1} certificates below the root; ` +
        'a PCK CA is issued by the root itself',
    );
  }
  if (!isPckCa(issuer)) fail(`the PCK CRL issuer ${issuer.subject} is not a PCK Platform or Processor CA`);
  return issuer;
}

/** A quote's PCK chain: the PCK certificate, issued by a PCK CA, issued by the root. */
export function checkPckChain(
  chain: VerifiedChain,
  what: string,
): { readonly leaf: ParsedCertificate; readonly ca: ParsedCertificate } {
  const leaf = chain.certs[0]!;
  const ca = chain.certs[1];
  const fail = failer('CertificateChainInvalid', what, leaf);
  if (chain.certs.length !== 3 || ca === undefined) {
    fail(`${chain.certs.length} certificates on the path; a PCK chain is PCK certificate, PCK CA, root`);
  }
  if (leaf.isCa) fail(`the PCK certificate ${leaf.subject} is a CA certificate`);
  if (!commonNameOf(leaf).includes(PCK_CN_PHRASE)) {
    fail(`${leaf.subject} is not a PCK certificate (CN without "${PCK_CN_PHRASE}")`);
  }
  if (!isPckCa(ca!))
    fail(`the PCK certificate's issuer ${ca!.subject} is not a PCK Platform or Processor CA`);
  return { leaf, ca: ca! };
}
