// Attacks on who signs the collateral, performed with the sim PKI's real keys: a platform holding its
// own PCK private key (an out-of-date, compromised CPU) re-signs TCB info or QE identity; a CA signs
// what only the TCB Signing certificate may; a certificate other than a PCK CA signs the PCK CRL.
// Each chains to the trusted root and signs validly; each must be refused for its role.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDcapVectors } from '../../../scripts/fuzz-attestation.js';
import { parseCollateralJson } from '../collateral.js';
import { type AttestationErrorCode, isAttestationError } from '../errors.js';
import { createSimPki, type SimCollateral } from '../sim/createSimPki.js';
import { createSimQuote } from '../sim/createSimQuote.js';
import { platformTcbFor } from '../sim/simTcb.js';
import {
  everyLevelUpToDate,
  issueCertificate,
  pckCaSigner,
  pckSigner,
  rootSigner,
  type Signer,
  tcbSigner,
  withPckCrl,
  withQeIdentity,
  withTcbInfo,
} from '../sim/testing.js';
import { parseCertificate } from '../x509/parseCertificate.js';
import { parsePemCertificates } from '../x509/pem.js';
import { verifyCertificateChain } from '../x509/verifyCertificateChain.js';
import { checkPckChain, checkPckCrlIssuerChain, checkTcbSigningChain } from './checkPkiRoles.js';
import { prepareCollateral } from './prepareCollateral.js';
import { verifyQuote } from './verifyQuote.js';

const NOW = 1_750_000_000;
const AT = NOW + 3600;
const pki = createSimPki({ seed: new TextEncoder().encode('checkPkiRoles.test'), now: NOW });
const trusted = { roots: [pki.rootCertDer] };
const reportData = new Uint8Array(64).fill(7);
const root = parseCertificate(pki.rootCertDer, 'sim root');

const outOfDate = platformTcbFor('sgx', 'OutOfDate');
const machine = pki.machine({ tee: 'sgx', ...outOfDate, pckRevoked: false });
const quote = createSimQuote(pki, { tee: 'sgx', reportData, tcbStatus: 'OutOfDate' }).quote;
const genuine = pki.collateral('sgx');
const otherLeaf = issueCertificate(pki, rootSigner(pki), 'Phalanx SIM Insecure SGX Quote Signing', false);
const otherCa = issueCertificate(pki, rootSigner(pki), 'Phalanx SIM Insecure Other CA', true);
const secondPckCa = issueCertificate(pki, rootSigner(pki), 'Phalanx SIM Insecure SGX PCK Platform CA', true);

function verify(collateral: SimCollateral) {
  return verifyQuote(quote, parseCollateralJson(collateral), { trusted, at: AT });
}

function rejects(fn: () => unknown, code: AttestationErrorCode, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isAttestationError(error), `expected an AttestationError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

function chainOf(pem: string) {
  const certs = parsePemCertificates(pem, 'MalformedCertificate', 'test chain').map((der) =>
    parseCertificate(der),
  );
  return verifyCertificateChain(certs, [root], 'test chain');
}

describe('TCB info and QE identity are signed by the TCB Signing certificate alone', () => {
  it('verifies the out-of-date platform as OutOfDate under the genuine collateral', () => {
    assert.equal(verify(genuine).tcbStatus, 'OutOfDate');
    // The genuine signer re-signing the same edit is accepted: the refusals below are about the signer.
    assert.equal(
      verify(withTcbInfo(genuine, everyLevelUpToDate(genuine.tcb_info), tcbSigner(pki))).tcbStatus,
      'UpToDate',
    );
  });

  it('refuses TCB info that the platform re-signed with its own PCK key to say every level is UpToDate', () => {
    const forged = withTcbInfo(genuine, everyLevelUpToDate(genuine.tcb_info), pckSigner(pki, machine));
    rejects(() => verify(forged), 'TcbSigningCertificateInvalid', /TCB info issuer chain/);
  });

  it('refuses QE identity re-signed with a PCK key, even with the TCB info untouched', () => {
    const forged = withQeIdentity(genuine, everyLevelUpToDate(genuine.qe_identity), pckSigner(pki, machine));
    rejects(() => verify(forged), 'TcbSigningCertificateInvalid', /QE identity issuer chain/);
  });

  it('refuses TCB info or QE identity signed by a CA under the root (the PCK CA, or any other CA)', () => {
    for (const ca of [pckCaSigner(pki), otherCa]) {
      rejects(
        () => verify(withTcbInfo(genuine, everyLevelUpToDate(genuine.tcb_info), ca)),
        'TcbSigningCertificateInvalid',
        /is a CA certificate/,
      );
      rejects(
        () => verify(withQeIdentity(genuine, genuine.qe_identity, ca)),
        'TcbSigningCertificateInvalid',
        /is a CA certificate/,
      );
    }
  });

  it('refuses a signer issued by the root that is not a CA but is not named TCB Signing', () => {
    const forged = withTcbInfo(genuine, everyLevelUpToDate(genuine.tcb_info), otherLeaf);
    rejects(() => verify(forged), 'TcbSigningCertificateInvalid', /not a TCB Signing certificate/);
  });

  it('takes the two-certificate TCB signing chain with or without the root, and in either order', () => {
    const tcb = tcbSigner(pki);
    const [leafPem, rootPem] = [
      tcb.chainPem.slice(0, tcb.chainPem.indexOf(pki.rootCertPem)),
      pki.rootCertPem,
    ];
    for (const chainPem of [leafPem, rootPem + leafPem]) {
      const signer: Signer = { ...tcb, chainPem };
      assert.equal(verify(withTcbInfo(genuine, genuine.tcb_info, signer)).tcbStatus, 'OutOfDate');
    }
  });
});

describe('the PCK CRL is signed by a PCK CA issued by the root', () => {
  const prepare = (collateral: SimCollateral) => prepareCollateral(parseCollateralJson(collateral), [root]);

  it('refuses, before any quote, a PCK CRL signed by a PCK certificate, the TCB signer or a CA not named PCK CA', () => {
    for (const [signer, why] of [
      [pckSigner(pki, machine), /certificates below the root/],
      [tcbSigner(pki), /not a PCK Platform or Processor CA/],
      [otherLeaf, /not a PCK Platform or Processor CA/],
      [otherCa, /not a PCK Platform or Processor CA/],
    ] as const) {
      rejects(() => prepare(withPckCrl(pki, genuine, signer)), 'CrlInvalid', why);
    }
    assert.equal(
      prepare(withPckCrl(pki, genuine, pckCaSigner(pki))).pckCrlIssuer.subject.includes('PCK Processor CA'),
      true,
    );
  });

  it("refuses a PCK CRL signed by another PCK CA under the root than the one that issued the quote's PCK certificate", () => {
    // A well-formed Platform CA CRL: accepted as collateral, but it says nothing about this PCK.
    const otherCaCrl = withPckCrl(pki, genuine, secondPckCa);
    assert.ok(prepare(otherCaCrl));
    rejects(() => verify(otherCaCrl), 'CrlInvalid', /not issued by the PCK's CA/);
  });
});

describe('the quote PCK chain is PCK certificate, PCK CA, root', () => {
  it('accepts the sim chain and reads its roles', () => {
    const { leaf, ca } = checkPckChain(chainOf(pckSigner(pki, machine).chainPem), 'PCK chain');
    assert.match(leaf.subject, /SGX PCK Certificate/);
    assert.match(ca.subject, /SGX PCK Processor CA/);
  });

  it('refuses a leaf the root issued directly, a PCK CA alone, a PCK under another CA, a leaf not named PCK', () => {
    const pckUnderOtherCa = issueCertificate(pki, otherCa, 'Phalanx SIM Insecure SGX PCK Certificate', false);
    const unnamedUnderPckCa = issueCertificate(pki, pckCaSigner(pki), 'Phalanx SIM Insecure Leaf', false);
    for (const [signer, why] of [
      [tcbSigner(pki), /2 certificates on the path/],
      [pckCaSigner(pki), /2 certificates on the path/],
      [pckUnderOtherCa, /not a PCK Platform or Processor CA/],
      [unnamedUnderPckCa, /is not a PCK certificate/],
    ] as const) {
      rejects(() => checkPckChain(chainOf(signer.chainPem), 'PCK chain'), 'CertificateChainInvalid', why);
    }
  });
});

describe("Intel's own collateral takes the roles it is pinned to", () => {
  it('finds the TCB Signing certificate and a PCK CA in every real vector, and refuses them swapped', () => {
    const { root: intelRootDer, vectors } = loadDcapVectors();
    const intelRoot = parseCertificate(intelRootDer, 'Intel root');
    for (const v of vectors.filter((x) => x.expect.valid)) {
      const chain = (pem: string) =>
        verifyCertificateChain(
          parsePemCertificates(pem, 'MalformedCertificate', v.id).map((der) => parseCertificate(der)),
          [intelRoot],
          v.id,
        );
      const tcb = chain(v.collateral.tcbInfoIssuerChain);
      const pckCa = chain(v.collateral.pckCrlIssuerChain);
      assert.match(checkTcbSigningChain(tcb, v.id).subject, /Intel SGX TCB Signing/);
      assert.match(checkPckCrlIssuerChain(pckCa, v.id).subject, /Intel SGX PCK (Platform|Processor) CA/);
      rejects(() => checkTcbSigningChain(pckCa, v.id), 'TcbSigningCertificateInvalid');
      rejects(() => checkPckCrlIssuerChain(tcb, v.id), 'CrlInvalid');
    }
  });
});
