/**
 * `/api/smime/v1` and `v2` (reference/scm-api.md §5). Actions are keyed by
 * backendCertId (the path still calls it "order"); details use the separate
 * internal id, as on SCM.
 */
import type { Context } from 'koa';
import { SMIME_PROFILES, findOrgUnit, profileView } from './catalog.js';
import { checkKeyAgainstProfile, decodeCsr } from './csr-check.js';
import { isCollectFormat, renderCollect } from './formats.js';
import {
  apiEnabledOrgUnit,
  checkCustomFields,
  checkTerm,
  optionalInt,
  optionalString,
  optionalStringArray,
  requiredInt,
  requiredString,
} from './order-input.js';
import { page, queryInt, queryString } from './paging.js';
import type { RouteParams, RouteTable } from './route-table.js';
import { intParam, jsonBody, mountScm, versioned, type SimulatorRuntime } from './runtime.js';
import { pendingReply, scm } from './scm-reply.js';
import type { SmimeOrder } from './state.js';
import { normalizeSerial, smimeDetails, smimeListItem } from './views.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const REASON_CODES = [0, 1, 3, 4, 5];

export function mountSmimeRoutes(routes: RouteTable, runtime: SimulatorRuntime): void {
  const smime = (suffix: string) => versioned('smime', ['v1', 'v2'], suffix);
  const { state, issuer, ca } = runtime;

  const byOrder = (backendCertId: string): SmimeOrder => {
    const order = state.smime.get(backendCertId);
    if (!order) throw scm.invalidOrderNumber(backendCertId);
    return issuer.settleSmime(order);
  };
  const bySerial = (serial: string): SmimeOrder => {
    const order = [...state.smime.values()].find((o) => o.serialNumber === normalizeSerial(serial));
    if (!order) throw scm.certificateNotFound(`Serial number: ${serial}`);
    return issuer.settleSmime(order);
  };

  mountScm(routes, runtime, 'GET', smime('/types'), 'smime.types', (ctx) => {
    const orgId = queryInt(ctx, 'organizationId');
    const unit = orgId === undefined ? undefined : findOrgUnit(orgId);
    if (orgId !== undefined && !unit) throw scm.invalidOrg();
    ctx.body = SMIME_PROFILES.filter((p) => !unit || unit.profileIds.includes(p.id)).map(profileView);
  });

  mountScm(routes, runtime, 'GET', smime('/customFields'), 'smime.customFields', (ctx) => {
    ctx.body = state.settings.smimeCustomFields;
  });

  mountScm(routes, runtime, 'POST', smime('/enroll'), 'smime.enroll', async (ctx) => {
    const body = jsonBody(ctx);
    const orgId = requiredInt(body, 'orgId');
    const unit = apiEnabledOrgUnit(orgId, 'smime');
    const certType = requiredInt(body, 'certType');
    const profile = SMIME_PROFILES.find((p) => p.id === certType);
    if (!profile || !unit.profileIds.includes(certType)) throw scm.invalidClientProfile();
    const term = requiredInt(body, 'term');
    checkTerm(term, profile);
    const email = requiredString(body, 'email', 128);
    if (!EMAIL.test(email)) throw scm.invalidField('email');
    const secondaryEmails = optionalStringArray(body, 'secondaryEmails');
    if (!secondaryEmails.every((e) => EMAIL.test(e))) throw scm.invalidField('secondaryEmails');
    const firstName = requiredString(body, 'firstName', 64);
    const middleName = optionalString(body, 'middleName', 64) ?? '';
    const lastName = requiredString(body, 'lastName', 64);
    const fullName = [firstName, middleName, lastName].filter((n) => n !== '').join(' ');
    if (fullName.length > 64) throw scm.invalidField('firstName');
    const commonName = optionalString(body, 'commonName', 64) || fullName;
    const comments = optionalString(body, 'comments', 1024);
    const customFields = checkCustomFields(body, state.settings.smimeCustomFields);
    const csr = await decodeCsr(body.csr);
    checkKeyAgainstProfile(csr, profile);

    const order: SmimeOrder = {
      ...state.allocateSmimeIds(),
      status: 'requested',
      orgId,
      certTypeId: certType,
      term,
      csr: csr.pem,
      commonName,
      keyAlgorithm: csr.keyAlgorithm,
      keyParam: csr.keyParam ?? '',
      customFields,
      comments,
      requested: new Date().toISOString(),
      email,
      secondaryEmails,
      firstName,
      middleName,
      lastName,
    };
    issuer.sendToCa(order);
    state.smime.set(order.backendCertId, order);
    ctx.body = { orderNumber: order.orderNumber, backendCertId: order.backendCertId };
  });

  const collect = (ctx: Context, params: RouteParams, format: string) => {
    const order = byOrder(params.backendCertId);
    if (!isCollectFormat(format)) throw scm.unsupportedFormat(format);
    if (order.status === 'revoked') throw scm.smimeRevoked();
    if (!order.certificate || order.status === 'requested') throw pendingReply(state.settings.pendingStyle ?? -183);
    const { body, extension } = renderCollect(format, {
      leaf: order.certificate,
      intermediate: ca.intermediate,
      root: ca.root,
    });
    ctx.set('Content-Disposition', `attachment; filename="${order.email.replace(/[^A-Za-z0-9-]/g, '_')}.${extension}"`);
    ctx.type = 'application/octet-stream;charset=UTF-8';
    ctx.body = body;
  };
  mountScm(routes, runtime, 'GET', smime('/collect/:backendCertId/:format'), 'smime.collect', (ctx, params) =>
    collect(ctx, params, params.format),
  );
  mountScm(routes, runtime, 'GET', smime('/collect/:backendCertId'), 'smime.collect', (ctx, params) =>
    collect(ctx, params, queryString(ctx, 'format') ?? 'base64'),
  );

  const revoke = (ctx: Context, orders: SmimeOrder[]) => {
    const body = jsonBody(ctx);
    optionalString(body, 'reason', 512); // may be empty for S/MIME, unlike SSL
    const reasonCode = optionalInt(body, 'reasonCode') ?? 0;
    if (!REASON_CODES.includes(reasonCode)) throw scm.invalidField('reasonCode');
    if (orders.length === 1 && orders[0].status === 'revoked') throw scm.alreadyRevoked();
    if (orders.some((o) => o.status !== 'issued' && o.status !== 'revoked')) throw scm.onlyIssuedRevocable();
    for (const order of orders.filter((o) => o.status === 'issued')) {
      order.status = 'revoked';
      order.revoked = new Date().toISOString();
      order.reasonCode = reasonCode;
    }
    ctx.status = 204;
  };
  mountScm(routes, runtime, 'POST', smime('/revoke/order/:backendCertId'), 'smime.revoke', (ctx, params) =>
    revoke(ctx, [byOrder(params.backendCertId)]),
  );
  mountScm(routes, runtime, 'POST', smime('/revoke/serial/:serial'), 'smime.revokeBySerial', (ctx, params) =>
    revoke(ctx, [bySerial(params.serial)]),
  );
  mountScm(routes, runtime, 'POST', smime('/revoke'), 'smime.revokeByEmail', (ctx) => {
    const email = requiredString(jsonBody(ctx), 'email', 128);
    const orders = [...state.smime.values()].filter((o) => o.email === email).map((o) => issuer.settleSmime(o));
    const issued = orders.filter((o) => o.status === 'issued');
    if (issued.length === 0) throw scm.certificateNotFound(`No valid client certificates found for ${email}.`);
    revoke(ctx, issued);
  });

  const renew = (ctx: Context, original: SmimeOrder) => {
    if (original.status !== 'issued' && original.status !== 'expired') throw scm.smimeRenewFailed(original.status);
    const renewed: SmimeOrder = {
      ...structuredClone(original),
      ...state.allocateSmimeIds(),
      status: 'requested',
      requested: new Date().toISOString(),
    };
    for (const field of ['issued', 'certificate', 'serialNumber', 'notBefore', 'notAfter', 'revoked', 'reasonCode'] as const) {
      delete renewed[field];
    }
    issuer.sendToCa(renewed);
    state.smime.set(renewed.backendCertId, renewed);
    ctx.body = { orderNumber: renewed.orderNumber, backendCertId: renewed.backendCertId };
  };
  mountScm(routes, runtime, 'POST', smime('/renew/order/:backendCertId'), 'smime.renew', (ctx, params) =>
    renew(ctx, byOrder(params.backendCertId)),
  );
  mountScm(routes, runtime, 'POST', smime('/renew/serial/:serial'), 'smime.renewBySerial', (ctx, params) =>
    renew(ctx, bySerial(params.serial)),
  );

  mountScm(routes, runtime, 'POST', smime('/replace/order/:backendCertId'), 'smime.replace', async (ctx, params) => {
    const order = byOrder(params.backendCertId);
    const body = jsonBody(ctx);
    const csr = await decodeCsr(body.csr);
    optionalString(body, 'reason', 512);
    if (order.status !== 'issued') throw scm.smimeRenewFailed(order.status);
    const profile = SMIME_PROFILES.find((p) => p.id === order.certTypeId);
    if (profile) checkKeyAgainstProfile(csr, profile);
    order.csr = csr.pem;
    order.keyAlgorithm = csr.keyAlgorithm;
    order.keyParam = csr.keyParam ?? '';
    for (const field of ['issued', 'certificate', 'serialNumber', 'notBefore', 'notAfter'] as const) delete order[field];
    issuer.sendToCa(order);
    ctx.status = 204;
  });

  mountScm(routes, runtime, 'GET', smime(''), 'smime.list', (ctx) => {
    const orders = [...state.smime.values()].map((o) => issuer.settleSmime(o));
    const email = queryString(ctx, 'email');
    const status = queryString(ctx, 'state');
    const backendCertId = queryString(ctx, 'backendCertId');
    const certTypeId = queryInt(ctx, 'certTypeId');
    const matching = orders.filter(
      (o) =>
        (email === undefined || o.email === email) &&
        (status === undefined || o.status === status) &&
        (backendCertId === undefined || o.backendCertId === backendCertId) &&
        (certTypeId === undefined || o.certTypeId === certTypeId),
    );
    ctx.body = page(ctx, matching.sort((a, b) => a.id - b.id)).map(smimeListItem);
  });

  mountScm(routes, runtime, 'GET', smime('/:id'), 'smime.details', (ctx, params) => {
    const id = intParam(params.id);
    const order = [...state.smime.values()].find((o) => o.id === id);
    if (!order) {
      ctx.status = 404;
      ctx.body = { code: -5101, description: `Certificate not found. Id: ${params.id}` };
      return;
    }
    ctx.body = smimeDetails(issuer.settleSmime(order));
  });
}
