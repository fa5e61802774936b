/**
 * `/__simulator/`: the knobs tests and demos turn. Never under `/api`, never
 * authenticated with SCM credentials, never counted or faulted.
 */
import type Router from '@koa/router';
import type { CustomField } from './catalog.js';
import { ControlInputError, controlValidator } from './control-input.js';
import { intParam, jsonBody, type SimulatorRuntime } from './runtime.js';
import { PENDING_CODES, type PendingCode } from './scm-reply.js';

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

export function mountControlRoutes(router: Router, runtime: SimulatorRuntime): void {
  const { state, issuer, faults, counters, tokens, ca } = runtime;
  const at = (suffix: string) => `${CONTROL_PREFIX}${suffix}`;

  router.get(at('/settings'), (ctx) => {
    ctx.body = state.settings;
  });
  router.put(at('/settings'), (ctx) => {
    Object.assign(state.settings, validateSettingsPatch(jsonBody(ctx)));
    ctx.body = state.settings;
  });

  router.get(at('/counters'), (ctx) => {
    ctx.body = Object.fromEntries(counters);
  });
  router.delete(at('/counters'), (ctx) => {
    counters.clear();
    ctx.status = 204;
  });

  router.get(at('/faults'), (ctx) => {
    ctx.body = faults.list();
  });
  router.post(at('/faults'), (ctx) => {
    ctx.status = 201;
    ctx.body = faults.add(jsonBody(ctx));
  });
  router.delete(at('/faults'), (ctx) => {
    faults.clear();
    ctx.status = 204;
  });

  router.post(at('/tokens/expire'), (ctx) => {
    tokens.expireAll();
    ctx.status = 204;
  });

  router.get(at('/ca'), (ctx) => {
    ctx.body = { root: ca.root.toString('pem'), intermediate: ca.intermediate.toString('pem') };
  });

  router.post(at('/ssl/:sslId/expire'), async (ctx) => {
    const { days } = validateExpiry(jsonBody(ctx));
    const order = state.ssl.get(intParam(ctx.params.sslId) ?? -1);
    if (!order) throw new ControlInputError(`no SSL order ${ctx.params.sslId}`, 404);
    issuer.settleSsl(order);
    if (!order.certificate) throw new ControlInputError(`SSL order ${order.sslId} is ${order.status}, not issued`, 409);
    issuer.forceExpiry(order, days);
    await runtime.persist();
    ctx.body = { sslId: order.sslId, status: order.status, notAfter: order.notAfter };
  });

  router.post(at('/smime/:backendCertId/expire'), async (ctx) => {
    const { days } = validateExpiry(jsonBody(ctx));
    const order = state.smime.get(ctx.params.backendCertId);
    if (!order) throw new ControlInputError(`no S/MIME order ${ctx.params.backendCertId}`, 404);
    issuer.settleSmime(order);
    if (!order.certificate) throw new ControlInputError(`S/MIME order ${order.backendCertId} is ${order.status}, not issued`, 409);
    issuer.forceExpiry(order, days);
    await runtime.persist();
    ctx.body = { backendCertId: order.backendCertId, status: order.status, notAfter: order.notAfter };
  });
}
