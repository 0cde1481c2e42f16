// The commonName (OID 2.5.4.3) of an X.509 Name, read from its exact DER rather than from
// node:crypto's text rendering, whose escaping of separators a crafted name could play with.
// Intel's QVL tells the certificates of its PKI apart by the phrases in their subject CN
// ("SGX TCB Signing", "SGX PCK Processor CA", ...; X509Constants.cpp), so the CN is a role marker.
import { decodeOid, readDerChildren, readDerTop, TAG_OID, TAG_SEQUENCE } from './readDer.js';

const COMMON_NAME = '2.5.4.3';
const TAG_SET = 0x31;
const TAG_UTF8_STRING = 0x0c;
const TAG_PRINTABLE_STRING = 0x13;
const TAG_IA5_STRING = 0x16;

/**
 * The Name's single commonName, or '' when it has none, more than one, or one in a string type
 * other than UTF8String, PrintableString or IA5String: a role is never read from an ambiguous name.
 * Throws MalformedCertificate when the bytes are not a Name.
 */
export function readCommonName(nameRaw: Uint8Array, what = 'name'): string {
  const name = readDerTop(nameRaw, 'MalformedCertificate', what);
  if (name.tag !== TAG_SEQUENCE) return '';
  const found: string[] = [];
  for (const rdn of readDerChildren(name, 'MalformedCertificate', what)) {
    if (rdn.tag !== TAG_SET) return '';
    for (const attribute of readDerChildren(rdn, 'MalformedCertificate', what)) {
      const [type, value] =
        attribute.tag === TAG_SEQUENCE ? readDerChildren(attribute, 'MalformedCertificate', what) : [];
      if (type?.tag !== TAG_OID || value === undefined) return '';
      if (decodeOid(type.value, 'MalformedCertificate', what) !== COMMON_NAME) continue;
      if (value.tag === TAG_UTF8_STRING) found.push(Buffer.from(value.value).toString('utf8'));
      else if (value.tag === TAG_PRINTABLE_STRING || value.tag === TAG_IA5_STRING) {
        found.push(Buffer.from(value.value).toString('latin1'));
      } else return '';
    }
  }
  return found.length === 1 ? found[0]! : '';
}
