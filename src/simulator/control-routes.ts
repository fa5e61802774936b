/**
 * `/__simulator/`: the knobs tests and demos turn. Never under `/api`, never
 * authenticated with SCM credentials, never counted or faulted.
 */
import type { CustomField } from './catalog.js';
import { ControlInputError, controlValidator } from './control-input.js';
import type { RouteTable } from './route-table.js';
import { intParam, jsonBody, type SimulatorRuntime } from './runtime.js';
import { PENDING_CODES, type PendingCode } from './scm-reply.js';
import { seedSslCertificates, type SeedRequest } from './seeding.js';

export const CONTROL_PREFIX = '/__simulator';

const customFieldsSchema = {
  type: 'array',
  nullable: true,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'name', 'mandatory'],
    properties: { id: { type: 'integer' }, name: { type: 'string', minLength: 1 }, mandatory: { type: 'boolean' } },
  },
} as const;

const validateSettingsPatch = controlValidator<{
  issueDelayMs?: number;
  approvalRequired?: boolean;
  pendingStyle?: PendingCode | null;
  tokenTtlSeconds?: number;
  sslCustomFields?: CustomField[];
  smimeCustomFields?: CustomField[];
}>({
  type: 'object',
  additionalProperties: false,
  properties: {
    issueDelayMs: { type: 'integer', minimum: 0, nullable: true },
    approvalRequired: { type: 'boolean', nullable: true },
    pendingStyle: { type: 'integer', enum: [...PENDING_CODES, null], nullable: true },
    tokenTtlSeconds: { type: 'integer', minimum: 1, nullable: true },
    sslCustomFields: customFieldsSchema,
    smimeCustomFields: customFieldsSchema,
  },
});

const validateExpiry = controlValidator<{ days: number }>({
  type: 'object',
  additionalProperties: false,
  required: ['days'],
  properties: { days: { type: 'integer', minimum: -36500, maximum: 36500 } },
});

const validateSeed = controlValidator<Partial<SeedRequest> & { count: number }>({
  type: 'object',
  additionalProperties: false,
  required: ['count'],
  properties: {
    count: { type: 'integer', minimum: 1, maximum: 50_000 },
    prefix: { type: 'string', pattern: '^[a-z0-9-]{1,40}$', nullable: true },
    days: { type: 'integer', minimum: -36500, maximum: 36500, nullable: true },
    spreadDays: { type: 'integer', minimum: 0, maximum: 3650, nullable: true },
  },
});

export function mountControlRoutes(routes: RouteTable, runtime: SimulatorRuntime): void {
  const { state, issuer, faults, counters, tokens, ca } = runtime;
  const at = (suffix: string) => `${CONTROL_PREFIX}${suffix}`;

  routes.add('GET', at('/settings'), (ctx) => {
    ctx.body = state.settings;
  });
  routes.add('PUT', at('/settings'), (ctx) => {
    Object.assign(state.settings, validateSettingsPatch(jsonBody(ctx)));
    ctx.body = state.settings;
  });

  routes.add('GET', at('/counters'), (ctx) => {
    ctx.body = Object.fromEntries(counters);
  });
  routes.add('DELETE', at('/counters'), (ctx) => {
    counters.clear();
    ctx.status = 204;
  });

  routes.add('GET', at('/faults'), (ctx) => {
    ctx.body = faults.list();
  });
  routes.add('POST', at('/faults'), (ctx) => {
    ctx.status = 201;
    ctx.body = faults.add(jsonBody(ctx));
  });
  routes.add('DELETE', at('/faults'), (ctx) => {
    faults.clear();
    ctx.status = 204;
  });

  routes.add('POST', at('/tokens/expire'), (ctx) => {
    tokens.expireAll();
    ctx.status = 204;
  });

  routes.add('GET', at('/ca'), (ctx) => {
    ctx.body = { root: ca.root.toString('pem'), intermediate: ca.intermediate.toString('pem') };
  });

  routes.add('POST', at('/ssl/:sslId/expire'), async (ctx, params) => {
    const { days } = validateExpiry(jsonBody(ctx));
    const order = state.ssl.get(intParam(params.sslId) ?? -1);
    if (!order) throw new ControlInputError(`no SSL order ${params.sslId}`, 404);
    issuer.settleSsl(order);
    if (!order.certificate && order.status !== 'Applied') throw new ControlInputError(`SSL order ${order.sslId} is ${order.status}, neither issued nor at the CA`, 409);
    issuer.forceExpiry(order, days);
    await runtime.persist();
    ctx.body = { sslId: order.sslId, status: order.status, notAfter: order.notAfter };
  });

  routes.add('POST', at('/ssl/seed'), async (ctx) => {
    const { count, prefix = 'seeded', days = 365, spreadDays = 0 } = validateSeed(jsonBody(ctx));
    const ids = await seedSslCertificates(state, issuer, { count, prefix, days, spreadDays });
    await runtime.persist();
    ctx.status = 201;
    ctx.body = { count: ids.length, firstSslId: ids[0], lastSslId: ids.at(-1) };
  });

  routes.add('POST', at('/smime/:backendCertId/expire'), async (ctx, params) => {
    const { days } = validateExpiry(jsonBody(ctx));
    const order = state.smime.get(params.backendCertId);
    if (!order) throw new ControlInputError(`no S/MIME order ${params.backendCertId}`, 404);
    issuer.settleSmime(order);
    if (!order.certificate && order.status !== 'requested') throw new ControlInputError(`S/MIME order ${order.backendCertId} is ${order.status}, neither issued nor at the CA`, 409);
    issuer.forceExpiry(order, days);
    await runtime.persist();
    ctx.body = { backendCertId: order.backendCertId, status: order.status, notAfter: order.notAfter };
  });
}
