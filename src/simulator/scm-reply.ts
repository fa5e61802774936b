/**
 * SCM's error answers, with the codes and wording of reference/scm-api.md §3.
 * Handlers throw these; the app writes them as `{"code","description"}` with
 * the HTTP status SCM uses (almost always 400: SCM has no 403/409/422).
 */
export class ScmReply extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly description: string,
  ) {
    super(description);
    this.name = 'ScmReply';
  }
}

const bad = (code: number, description: string) => new ScmReply(400, code, description);

export const scm = {
  unknownUser: () => new ScmReply(401, -16, 'Unknown user'),
  missing: (field: string) => bad(-7, `${field} is required but missing.`),
  invalidField: (field: string) => bad(-1601, `Field '${field}' has invalid value.`),
  notAuthorized: (action: string) => bad(-3, `You are not authorized to perform ${action}.`),
  invalidOrg: () => bad(-639, 'Supplied orgid invalid..'),
  orgNotFound: (id: string) => new ScmReply(404, -1023, `Organization '${id}' not found.`),
  csrNotBase64: () => bad(-9, 'The CSR is not valid Base-64 data!'),
  csrUndecodable: () => bad(-10, 'Error while decoding CSR.'),
  csrInvalid: () => bad(-138, 'Invalid CSR.'),
  unsupportedAlgorithm: () => bad(-11, 'The CSR uses an unsupported algorithm!'),
  unsupportedKeySize: () => bad(-13, 'The CSR uses an unsupported key size!'),
  invalidTerm: () => bad(-36, 'The validity period (term) is invalid for this certificate profile.'),
  profileNotForOrg: () => bad(-39, 'The certificate profile id is invalid!'),
  noSuchProfile: (id: unknown) => bad(-111, `No certificate profile found by id ${id}`),
  invalidClientProfile: () => bad(-172, 'The Client Certificate Profile is invalid!'),
  missingCustomField: () => bad(-62, 'Missing mandatory custom field!'),
  unknownCustomField: (name: string) => bad(-135, `Custom field cannot be found: ${name}`),
  wrongSslId: (id: string, status = 400) => new ScmReply(status, -124, `Wrong SSL certificate id ${id}.`),
  invalidOrderNumber: (id: string) => bad(-1104, `Invalid order number ${id}`),
  certificateNotFound: (what: string) => bad(-5101, `Certificate not found. ${what}`),
  beingProcessed: () => bad(0, 'Being processed by Sectigo'),
  requestBeingProcessed: () => bad(-1400, 'The request is being processed by Sectigo.'),
  notCollectable: () => bad(-183, 'Certificate is not collectable.'),
  revokedNoDownload: () => bad(-110, 'Certificate has been revoked and cannot be downloaded.'),
  smimeRevoked: () => bad(-192, 'The Certificate has been revoked!'),
  unknownSslFormat: (format: string) => bad(-126, `Unknown SSL certificate file format requested: ${format}`),
  unsupportedFormat: (format: string) => bad(-1450, `Unsupported certificate format specified: ${format}`),
  onlyIssuedRevocable: () => bad(-102, 'Only issued certificates could be revoked.'),
  alreadyRevoked: () => bad(-159, 'Your certificate already revoked'),
  cannotApprove: (state: string) => bad(-1112, `Certificate can't be approved cause it has state = ${state}`),
  notIssued: (state: string) => bad(-130, `SSL state is not 'ISSUED': ${state}`),
  renewTargetInvalid: () => bad(-123, 'SSL Certificate to renew is invalid (null)'),
  profileForbidsRenew: () => bad(-180, "This SSL Certificate Profile doesn't allow renew"),
  smimeRenewFailed: (state: string) => bad(-105, `Error was occurred while renewing cert. Status = ${state}`),
  malformedBody: () => bad(-1, 'Unknown error.'),
};

/** The three "not issued yet" answers SCM is seen to give on collect (§4.5, §13.1). */
export type PendingCode = 0 | -1400 | -183;
export const PENDING_CODES: readonly PendingCode[] = [0, -1400, -183];

export function pendingReply(code: PendingCode): ScmReply {
  if (code === -1400) return scm.requestBeingProcessed();
  if (code === -183) return scm.notCollectable();
  return scm.beingProcessed();
}
