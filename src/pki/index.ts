export { PkiInputError, type PkiInput } from './input-error.js';
export { parseKeySpec, describeKeySpec, type KeySpec, type RsaBits, type EcCurve } from './key-spec.js';
export { readPrivateKey, describePublicKey, keySpecOf, type GeneratedKey, type PublicKeyInfo } from './keys.js';
export {
  generateKeyPair,
  generateKeyAndCsr,
  buildCsr,
  keyPoolQueueSize,
  onKeyTask,
  closeKeyPool,
  type KeyTaskEvent,
  type BuildCsrInput,
  type CsrRequest,
} from './key-pool.js';
export { type CsrSubject } from './csr-subject.js';
export { parseCsr, type ParsedCsr } from './csr.js';
export { splitSubjectAltNames } from './subject-alt-names.js';
export { keyMatchesCsr, certificateMatchesKey } from './key-match.js';
export { parseCertificate, type ParsedCertificate } from './certificate.js';
export { splitPemChain, orderChain, type OrderedChain } from './chain.js';
export {
  decodeCollected,
  parseCollectFormat,
  CollectedBodyError,
  COLLECT_FORMATS,
  DEFAULT_COLLECT_FORMAT,
  type CollectFormat,
  type CollectedCertificate,
} from './collected.js';
export { normalisePemText } from './pem-text.js';
export { buildPkcs12, type Pkcs12Content, type Pkcs12Encryption } from './pkcs12.js';
