/**
 * The SSL calls that place an order at the CA: enroll, renewById, renew by
 * renewId, replace. Each validates everything before touching state, so a
 * rejected call leaves nothing behind.
 */
import type { Context } from 'koa';
import { SSL_PROFILES, type CertificateProfile } from './catalog.js';
import { checkKeyAgainstProfile, decodeCsr, type DecodedCsr } from './csr-check.js';
import {
  apiEnabledOrgUnit,
  checkCustomFields,
  checkSubjectAltNames,
  checkTerm,
  commaList,
  optionalString,
  optionalStringArray,
  requiredInt,
  requiredString,
} from './order-input.js';
import type { RouteTable } from './route-table.js';
import { intParam, jsonBody, mountScm, versioned, type SimulatorRuntime } from './runtime.js';
import { scm } from './scm-reply.js';
import type { SslOrder } from './state.js';

export function mountSslOrders(routes: RouteTable, runtime: SimulatorRuntime): void {
  const ssl = (suffix: string) => versioned('ssl', ['v1', 'v2'], suffix);
  const { state, issuer } = runtime;

  mountScm(routes, runtime, 'POST', ssl('/enroll'), 'enroll', async (ctx) => {
    const body = jsonBody(ctx);
    const orgId = requiredInt(body, 'orgId');
    const unit = apiEnabledOrgUnit(orgId, 'ssl');
    const certType = requiredInt(body, 'certType');
    const profile = SSL_PROFILES.find((p) => p.id === certType);
    if (!profile) throw scm.noSuchProfile(certType);
    if (!unit.profileIds.includes(certType)) throw scm.profileNotForOrg();
    const term = requiredInt(body, 'term');
    checkTerm(term, profile);
    const csr = await decodeCsr(body.csr);
    checkKeyAgainstProfile(csr, profile);
    const requestedSans = commaList(body.subjAltNames, 'subjAltNames');
    checkSubjectAltNames(requestedSans, 'subjAltNames');
    const comments = optionalString(body, 'comments', 1024);
    const externalRequester = optionalString(body, 'externalRequester', 512);
    const customFields = checkCustomFields(body, state.settings.sslCustomFields);
    const subjAltNames = unique([...requestedSans, ...csrHostNames(csr)]);
    const commonName = csr.commonName ?? subjAltNames[0];
    if (!commonName) throw scm.missing('commonName');

    const order: SslOrder = {
      ...state.allocateSslIds(),
      status: 'Requested',
      orgId,
      certTypeId: certType,
      term,
      csr: csr.pem,
      commonName,
      subjAltNames,
      keyAlgorithm: csr.keyAlgorithm,
      keyParam: csr.keyParam ?? '',
      customFields,
      comments,
      externalRequester: externalRequester || undefined,
      requested: new Date().toISOString(),
      renewed: false,
    };
    issuer.submit(order);
    state.ssl.set(order.sslId, order);
    ctx.body = { sslId: order.sslId, renewId: order.renewId };
  });

  const renew = async (ctx: Context, original: SslOrder | undefined): Promise<SslOrder> => {
    if (!original) throw scm.renewTargetInvalid();
    issuer.settleSsl(original);
    if (original.status !== 'Issued' && original.status !== 'Expired') throw scm.notIssued(original.status);
    const profile = profileOf(original);
    if (!profile.renewable) throw scm.profileForbidsRenew();
    const body = jsonBody(ctx);
    const csr = body.csr === undefined || body.csr === '' ? undefined : await decodeCsr(body.csr);
    if (csr) checkKeyAgainstProfile(csr, profile);

    const now = new Date().toISOString();
    const renewed: SslOrder = {
      ...structuredClone(original),
      ...state.allocateSslIds(),
      status: 'Requested',
      csr: csr?.pem ?? original.csr,
      keyAlgorithm: csr?.keyAlgorithm ?? original.keyAlgorithm,
      keyParam: csr?.keyParam ?? original.keyParam,
      requested: now,
      renewed: false,
    };
    for (const field of ['approved', 'issued', 'certificate', 'serialNumber', 'notBefore', 'notAfter', 'renewedDate', 'replaced'] as const) {
      delete renewed[field];
    }
    issuer.submit(renewed);
    state.ssl.set(renewed.sslId, renewed);
    original.renewed = true;
    original.renewedDate = now;
    return renewed;
  };

  mountScm(routes, runtime, 'POST', ssl('/renewById/:sslId'), 'renewById', async (ctx, params) => {
    const renewed = await renew(ctx, state.ssl.get(intParam(params.sslId) ?? -1));
    ctx.body = { sslId: renewed.sslId };
  });

  mountScm(routes, runtime, 'POST', ssl('/renew/:renewId'), 'renew', async (ctx, params) => {
    await renew(ctx, state.findSslByRenewId(params.renewId));
    ctx.status = 204;
  });

  mountScm(routes, runtime, 'POST', ssl('/replace/:sslId'), 'replace', async (ctx, params) => {
    const order = state.ssl.get(intParam(params.sslId) ?? -1);
    if (!order) throw scm.wrongSslId(params.sslId);
    const body = jsonBody(ctx);
    const csr = await decodeCsr(body.csr);
    requiredString(body, 'reason', 512);
    const commonName = optionalString(body, 'commonName', 64);
    const sans = optionalStringArray(body, 'subjectAlternativeNames');
    checkSubjectAltNames(sans, 'subjectAlternativeNames');
    issuer.settleSsl(order);
    if (order.status !== 'Issued') throw scm.notIssued(order.status);
    checkKeyAgainstProfile(csr, profileOf(order));

    order.csr = csr.pem;
    order.keyAlgorithm = csr.keyAlgorithm;
    order.keyParam = csr.keyParam ?? '';
    order.commonName = commonName || csr.commonName || order.commonName;
    order.subjAltNames = sans.length > 0 ? unique(sans) : unique([...order.subjAltNames, ...csrHostNames(csr)]);
    order.replaced = new Date().toISOString();
    for (const field of ['certificate', 'serialNumber', 'notBefore', 'notAfter', 'issued'] as const) delete order[field];
    // Reissued certificates keep their sslId (KF); collect is pending until the CA is done.
    issuer.submit(order);
    ctx.status = 204;
  });
}

function profileOf(order: SslOrder): CertificateProfile {
  const profile = SSL_PROFILES.find((p) => p.id === order.certTypeId);
  if (!profile) throw scm.noSuchProfile(order.certTypeId);
  return profile;
}

function csrHostNames(csr: DecodedCsr): string[] {
  return csr.subjectAltNames.filter((n) => n.type === 'dns' || n.type === 'ip').map((n) => n.value);
}

function unique(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase()));
}
