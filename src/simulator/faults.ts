/**
 * Fault injection for SCM endpoints: errors, latency, connection resets and
 * 429s, each optionally limited to an endpoint name or a path pattern and to a
 * number of hits. Rules are consulted in the order they were added; the first
 * that fires decides (latency rules add their delay and let the next decide).
 * A latency rule with `afterHandling` delays the *answer* instead: SCM has
 * already done the work (placed the order) while the caller still waits, the
 * case that tells "SCM never got it" apart from "we never heard back".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from 'koa';
import { ControlInputError, controlValidator } from './control-input.js';

export interface FaultRule {
  kind: 'error' | 'latency' | 'reset' | 'rateLimit';
  /** Probability 0..1 that a matching request is hit (default 1). */
  rate?: number;
  /** Counter name of the endpoint, e.g. "enroll", "collect", "smime.collect". */
  endpoint?: string;
  /** Regular expression tested against the request path. */
  path?: string;
  method?: string;
  /** How many requests to hit before the rule retires (default: forever). */
  count?: number;
  /** error: HTTP status (default 500) and SCM body. */
  status?: number;
  code?: number;
  description?: string;
  latencyMs?: number;
  /** latency only: delay after the endpoint has handled the request, before it answers. */
  afterHandling?: boolean;
  retryAfterSeconds?: number;
}

/** Before the endpoint runs, or after it ran and before its answer goes out. */
export type FaultPhase = 'before' | 'after';

export interface ActiveFault extends FaultRule {
  id: number;
  hits: number;
}

export const validateFaultRule = controlValidator<FaultRule>({
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: ['error', 'latency', 'reset', 'rateLimit'] },
    rate: { type: 'number', minimum: 0, maximum: 1, nullable: true },
    endpoint: { type: 'string', minLength: 1, nullable: true },
    path: { type: 'string', minLength: 1, nullable: true },
    method: { type: 'string', minLength: 1, nullable: true },
    count: { type: 'integer', minimum: 1, nullable: true },
    status: { type: 'integer', minimum: 400, maximum: 599, nullable: true },
    code: { type: 'integer', nullable: true },
    description: { type: 'string', nullable: true },
    latencyMs: { type: 'integer', minimum: 0, maximum: 600_000, nullable: true },
    afterHandling: { type: 'boolean', nullable: true },
    retryAfterSeconds: { type: 'integer', minimum: 0, nullable: true },
  },
});

export class FaultInjector {
  private rules: ActiveFault[] = [];
  private nextId = 1;

  add(input: unknown): ActiveFault {
    const rule = validateFaultRule(input);
    if (rule.path !== undefined) {
      try {
        new RegExp(rule.path);
      } catch {
        throw new ControlInputError(`/path is not a valid regular expression: ${rule.path}`);
      }
    }
    if (rule.kind === 'latency' && rule.latencyMs === undefined) {
      throw new ControlInputError('/latencyMs is required for a latency fault');
    }
    if (rule.afterHandling && rule.kind !== 'latency') {
      throw new ControlInputError('/afterHandling is only for a latency fault');
    }
    const fault = { ...rule, id: this.nextId++, hits: 0 };
    this.rules.push(fault);
    return fault;
  }

  list(): ActiveFault[] {
    return this.rules;
  }

  clear(): void {
    this.rules = [];
  }

  /** Returns true when the fault answered (or dropped) the request itself. */
  async apply(ctx: Context, endpoint: string, phase: FaultPhase = 'before'): Promise<boolean> {
    for (const rule of [...this.rules]) {
      if ((rule.afterHandling ? 'after' : 'before') !== phase || !this.matches(rule, ctx, endpoint)) continue;
      rule.hits++;
      if (rule.count !== undefined && rule.hits >= rule.count) this.rules = this.rules.filter((r) => r !== rule);
      switch (rule.kind) {
        case 'latency':
          await sleep(rule.latencyMs ?? 0);
          continue;
        case 'reset':
          ctx.respond = false;
          ctx.req.socket.destroy();
          return true;
        case 'rateLimit':
          ctx.status = 429;
          ctx.set('Retry-After', String(rule.retryAfterSeconds ?? 1));
          ctx.body = { code: rule.code ?? 429, description: rule.description ?? 'Too Many Requests' };
          return true;
        case 'error':
          ctx.status = rule.status ?? 500;
          ctx.body = { code: rule.code ?? -2, description: rule.description ?? 'Internal error. Please contact Support for details.' };
          return true;
      }
    }
    return false;
  }

  private matches(rule: ActiveFault, ctx: Context, endpoint: string): boolean {
    if (rule.endpoint !== undefined && rule.endpoint !== endpoint) return false;
    if (rule.method !== undefined && rule.method.toUpperCase() !== ctx.method) return false;
    if (rule.path !== undefined && !new RegExp(rule.path).test(ctx.path)) return false;
    return Math.random() < (rule.rate ?? 1);
  }
}
