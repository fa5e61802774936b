/**
 * Resolves order intents no request is working on (order-intents.ts): the
 * enroll crashed, could not store its record, or never heard SCM's answer.
 * SCM has the marked order → the record is created as the enroll would have
 * (`Applied`, with the intent's key) and the collector collects it as usual.
 * SCM has none → nothing was bought and the intent goes. SCM cannot be asked
 * → the intent stays for the next pass.
 */
import { orderSettlesAt, type Deps } from './services.js';
import { intentFlightKey, orderMarker, recordFromIntent, type OrderIntent } from './order-intents.js';

type Resolution = 'recovered' | 'no_order' | 'unresolved';

/**
 * One pass over the intents no enroll is working on; returns how many are left unresolved.
 * An order is only declared missing once its intent is the lifecycle's
 * `orderGraceMs` old: an SCM that timed out may still be placing it.
 */
type RecoveryDeps = Deps<'configs' | 'records' | 'intents' | 'idempotency' | 'batch' | 'locks' | 'scm' | 'limits' | 'logger'>;

export async function resolveOrderIntents(deps: RecoveryDeps, stopping: () => boolean = () => false): Promise<number> {
  let unresolved = 0;
  for await (const name of deps.intents.stored()) {
    if (stopping()) break;
    // An enroll still working on it (here or on another replica) finishes it itself.
    const key = intentFlightKey(name);
    if (await deps.locks.isFlying(key)) continue;
    const resolution = await deps.locks.flight(key, async () => {
      // Read under the flight: the enroll may have stored its record (and dropped the intent) meanwhile.
      const intent = await deps.intents.get(name.config_name, name.id);
      return intent ? resolveIntent(deps, intent) : 'gone';
    });
    if (resolution === 'unresolved') unresolved++;
  }
  if (unresolved > 0) {
    deps.logger.warn({ unresolved_order_intents: unresolved }, 'interrupted enrolls not yet resolved with SCM; retrying next pass');
  }
  return unresolved;
}

async function resolveIntent(deps: RecoveryDeps, intent: OrderIntent): Promise<Resolution> {
  const { logger } = deps;
  const context = { config: intent.config_name, order_intent: intent.id, created_at: intent.created_at };
  let placed;
  try {
    const orders = deps.scm.ordersFor(await deps.configs.require(intent.config_name));
    const marker = orderMarker(intent.id);
    placed = await orders.findOrder(intent.certificate_type, {
      accept: (order) => order.comments?.includes(marker) === true,
      commonName: intent.common_name,
      email: intent.email,
      since: new Date(intent.created_at),
    });
  } catch (err) {
    logger.warn({ ...context, err }, 'could not look up the order of an interrupted enroll at SCM; keeping its intent');
    return 'unresolved';
  }

  if (!placed) {
    if (Date.now() < orderSettlesAt(deps.limits, intent.created_at)) return 'unresolved';
    await deps.batch(deps.intents.noOrderOps(intent, deps.idempotency));
    logger.warn(context, 'SCM has no order for an interrupted enroll; nothing was bought, its intent is dropped');
    return 'no_order';
  }

  const record = recordFromIntent(intent, placed, true);
  // Someone imported the order meanwhile (fetch): theirs stays.
  const existing = await deps.records.get(intent.config_name, record.cert_unique_id);
  await deps.records.save(existing ? [] : [record], deps.intents.storedOps(intent, deps.idempotency, record.cert_unique_id));
  logger.warn({ ...context, cert_unique_id: record.cert_unique_id }, 'recovered the SCM order of an interrupted enroll');
  return 'recovered';
}
