import { TAG, oid, sequence, setOfOne, text } from './der.js';
import { PkiInputError, type SubjectAttribute } from './input-error.js';

export type CsrSubject = Partial<Record<SubjectAttribute, string>>;

/**
 * Subject attributes in the conventional most-significant-first order, with
 * the short name `@peculiar/x509` reads them back by, the OID they are written
 * with, and RFC 5280's upper bound on their length.
 */
export const SUBJECT_ATTRIBUTES: ReadonlyArray<{ key: keyof CsrSubject; type: string; oid: string; max: number }> = [
  { key: 'country', type: 'C', oid: '2.5.4.6', max: 2 },
  { key: 'state', type: 'ST', oid: '2.5.4.8', max: 128 },
  { key: 'locality', type: 'L', oid: '2.5.4.7', max: 128 },
  { key: 'organization', type: 'O', oid: '2.5.4.10', max: 64 },
  { key: 'organizationalUnit', type: 'OU', oid: '2.5.4.11', max: 64 },
  { key: 'commonName', type: 'CN', oid: '2.5.4.3', max: 64 },
  { key: 'emailAddress', type: 'E', oid: '1.2.840.113549.1.9.1', max: 128 },
];

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const ASCII = /^[\x20-\x7e]*$/;

/**
 * The subject as a DER Name, one attribute per RDN. A value is a
 * PrintableString when it can be one (what OpenSSL and older SCM-side parsers
 * expect) and UTF8String otherwise; emailAddress is an IA5String (PKCS#9).
 */
export function encodeSubject(subject: CsrSubject): Uint8Array {
  const rdns: Uint8Array[] = [];
  for (const { key, oid: attributeOid, max } of SUBJECT_ATTRIBUTES) {
    const value = subject[key]?.trim();
    if (!value) {
      if (key === 'commonName') throw new PkiInputError(key, 'required to build a certificate request');
      continue;
    }
    if (key === 'country' && !/^[A-Za-z]{2}$/.test(value)) {
      throw new PkiInputError(key, `${JSON.stringify(value)} is not a two-letter ISO 3166 country code`);
    }
    if (value.length > max) throw new PkiInputError(key, `longer than ${max} characters`);
    rdns.push(setOfOne(sequence(oid(attributeOid), attributeValue(key, key === 'country' ? value.toUpperCase() : value))));
  }
  return sequence(...rdns);
}

function attributeValue(key: keyof CsrSubject, value: string): Uint8Array {
  if (key !== 'emailAddress') return text(PRINTABLE.test(value) ? TAG.printableString : TAG.utf8String, value);
  // IA5 holds ASCII only; a mailbox with other characters cannot be written as one.
  if (!ASCII.test(value)) throw new PkiInputError(key, `${JSON.stringify(value)} is not an ASCII email address`);
  return text(TAG.ia5String, value);
}
