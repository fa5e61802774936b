/**
 * `/api/ssl/v1` (and its v2 mirror) apart from the order-placing calls:
 * profiles, custom fields, collect, details, list/count, revoke, approve,
 * decline. Specific paths are mounted before `/{sslId}` so they win.
 */
import type { Context } from 'koa';
import { SSL_PROFILES, findOrgUnit, profileView } from './catalog.js';
import { isCollectFormat, renderCollect } from './formats.js';
import { optionalInt, requiredString } from './order-input.js';
import { page, queryInt, queryString } from './paging.js';
import type { RouteParams, RouteTable } from './route-table.js';
import { intParam, jsonBody, mountScm, versioned, type SimulatorRuntime } from './runtime.js';
import { pendingReply, scm } from './scm-reply.js';
import type { SslOrder } from './state.js';
import { colonSerial, normalizeSerial, sslDetails, sslListItem } from './views.js';

const REASON_CODES = [0, 1, 3, 4, 5];

export function mountSslRoutes(routes: RouteTable, runtime: SimulatorRuntime): void {
  const ssl = (suffix: string) => versioned('ssl', ['v1', 'v2'], suffix);
  const { state, issuer, ca } = runtime;

  const settled = (id: string | undefined, notFoundStatus = 400): SslOrder => {
    const order = state.ssl.get(intParam(id) ?? -1);
    if (!order) throw scm.wrongSslId(id ?? '', notFoundStatus);
    return issuer.settleSsl(order);
  };

  mountScm(routes, runtime, 'GET', ssl('/types'), 'types', (ctx) => {
    const orgId = queryInt(ctx, 'organizationId');
    if (orgId === undefined) {
      ctx.body = SSL_PROFILES.map(profileView);
      return;
    }
    const unit = findOrgUnit(orgId);
    if (!unit) throw scm.invalidOrg();
    ctx.body = SSL_PROFILES.filter((p) => unit.profileIds.includes(p.id)).map(profileView);
  });

  mountScm(routes, runtime, 'GET', ssl('/customFields'), 'customFields', (ctx) => {
    ctx.body = state.settings.sslCustomFields;
  });

  const collect = (ctx: Context, params: RouteParams, format: string) => {
    const order = settled(params.sslId);
    if (!isCollectFormat(format)) throw scm.unknownSslFormat(format);
    if (order.status === 'Revoked') throw scm.revokedNoDownload();
    if (order.status === 'Declined') throw scm.notCollectable();
    if (!order.certificate || (order.status !== 'Issued' && order.status !== 'Expired')) {
      throw pendingReply(state.settings.pendingStyle ?? 0);
    }
    const { body, extension } = renderCollect(format, { leaf: order.certificate, intermediate: ca.intermediate, root: ca.root });
    ctx.set('Content-Disposition', `attachment; filename="${order.commonName.replace(/[^A-Za-z0-9-]/g, '_')}.${extension}"`);
    ctx.type = 'application/octet-stream;charset=UTF-8';
    ctx.body = body;
  };
  mountScm(routes, runtime, 'GET', ssl('/collect/:sslId/:format'), 'collect', (ctx, params) => collect(ctx, params, params.format));
  mountScm(routes, runtime, 'GET', ssl('/collect/:sslId'), 'collect', (ctx, params) =>
    collect(ctx, params, queryString(ctx, 'format') ?? 'base64'),
  );

  const revoke = (ctx: Context, order: SslOrder) => {
    const body = jsonBody(ctx);
    requiredString(body, 'reason', 512);
    const reasonCode = optionalInt(body, 'reasonCode') ?? 0;
    if (!REASON_CODES.includes(reasonCode)) throw scm.invalidField('reasonCode');
    issuer.settleSsl(order);
    if (order.status === 'Revoked') throw scm.alreadyRevoked();
    if (order.status !== 'Issued') throw scm.onlyIssuedRevocable();
    order.status = 'Revoked';
    order.revoked = new Date().toISOString();
    order.reasonCode = reasonCode;
    ctx.status = 204;
  };
  mountScm(routes, runtime, 'POST', ssl('/revoke/serial/:serial'), 'revokeBySerial', (ctx, params) => {
    const serial = normalizeSerial(params.serial);
    const order = [...state.ssl.values()].find((o) => o.serialNumber === serial);
    if (!order) throw scm.certificateNotFound(`Serial number: ${params.serial}`);
    revoke(ctx, order);
  });
  mountScm(routes, runtime, 'POST', ssl('/revoke/:sslId'), 'revoke', (ctx, params) => {
    const order = state.ssl.get(intParam(params.sslId) ?? -1);
    if (!order) throw scm.wrongSslId(params.sslId);
    revoke(ctx, order);
  });

  mountScm(routes, runtime, 'POST', ssl('/approve/:sslId'), 'approve', (ctx, params) => {
    const order = settled(params.sslId);
    requiredString(jsonBody(ctx), 'message', 512);
    if (order.status !== 'Requested') throw scm.cannotApprove(order.status);
    order.approved = new Date().toISOString();
    issuer.sendToCa(order);
    ctx.status = 204;
  });

  mountScm(routes, runtime, 'POST', ssl('/decline/:sslId'), 'decline', (ctx, params) => {
    const order = settled(params.sslId);
    requiredString(jsonBody(ctx), 'message', 512);
    if (order.status !== 'Requested') throw scm.cannotApprove(order.status);
    order.status = 'Declined';
    order.declined = new Date().toISOString();
    ctx.status = 204;
  });

  // GET also answers HEAD (route-table.ts), which is SCM's "count" call: the header, no body.
  mountScm(routes, runtime, 'GET', ssl(''), 'list', (ctx) => {
    const orders = [...state.ssl.values()].map((o) => issuer.settleSsl(o));
    ctx.body = page(ctx, orders.filter(listFilter(ctx)).sort((a, b) => a.sslId - b.sslId)).map(sslListItem);
  });

  mountScm(routes, runtime, 'GET', ssl('/:sslId'), 'details', (ctx, params) => {
    ctx.body = sslDetails(settled(params.sslId, 404));
  });
}

/** The documented filters that make sense for simulated data. */
function listFilter(ctx: Context): (order: SslOrder) => boolean {
  const commonName = queryString(ctx, 'commonName');
  const san = queryString(ctx, 'subjectAlternativeName');
  const status = queryString(ctx, 'status');
  const sslTypeId = queryInt(ctx, 'sslTypeId');
  const orgId = queryInt(ctx, 'orgId');
  const serial = queryString(ctx, 'serialNumber');
  const externalRequester = queryString(ctx, 'externalRequester');
  const keyAlgorithm = queryString(ctx, 'keyAlgorithm');
  return (order) =>
    (commonName === undefined || order.commonName === commonName) &&
    (san === undefined || order.subjAltNames.includes(san)) &&
    (status === undefined || order.status.toLowerCase() === status.toLowerCase()) &&
    (sslTypeId === undefined || order.certTypeId === sslTypeId) &&
    (orgId === undefined || order.orgId === orgId) &&
    (serial === undefined || colonSerial(order.serialNumber) === colonSerial(normalizeSerial(serial))) &&
    (externalRequester === undefined || order.externalRequester === externalRequester) &&
    (keyAlgorithm === undefined || order.keyAlgorithm === keyAlgorithm.toUpperCase());
}
