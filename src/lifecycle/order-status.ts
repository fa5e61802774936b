/**
 * Why SCM still owes a certificate. Collect only says "being processed"
 * whether the order waits for an approver, sits at the CA or was declined
 * (SCM answers a declined order's collect with the same -183 it gives a
 * pending one), so when a collect ends pending scmpki asks SCM where the
 * order is (SSL: `GET /ssl/v1/{sslId}`; S/MIME: the list filtered by
 * `backendCertId`) and says so in the record (`pending_reason`) and in the
 * answer's warning. A declined, rejected or invalid order is SCM's final
 * word: it becomes an ErrorCode entry.
 */
import type { CertificateType, ScmFault } from './record.js';

/** Where SCM has an order now, in SCM's words (dates as SCM writes them, `MM/dd/yyyy`). */
export interface OrderStatus {
  status: string;
  requested?: string;
  approved?: string;
  declined?: string;
}

/** Code of the ErrorCode entry for a refused order when SCM's collect gave no code of its own. scmpki's, like KEY_MISMATCH_CODE. */
export const ORDER_REFUSED_CODE = -90003;

export type OrderVerdict = { kind: 'pending'; reason: string } | { kind: 'failed'; fault: ScmFault };

const REFUSED = new Set(['declined', 'rejected', 'invalid']);

/**
 * What an order's SCM status means for a record still waiting for it;
 * undefined when the status explains nothing (e.g. Issued a moment after
 * collect said pending: the next collect gets it).
 */
export function verdictOf(order: OrderStatus, type: CertificateType, collectFault?: ScmFault): OrderVerdict | undefined {
  const status = order.status.toLowerCase().replace(/\s+/g, '');
  const since = (date: string | undefined) => (date ? ` since ${date}` : '');
  if (REFUSED.has(status)) {
    const when = status === 'declined' ? since(order.declined) : '';
    const description = `SCM status ${order.status}${when}` + (collectFault ? `: ${collectFault.description}` : '');
    return { kind: 'failed', fault: { code: collectFault?.code ?? ORDER_REFUSED_CODE, description } };
  }
  switch (status) {
    case 'requested':
      // S/MIME orders go to the CA as they are placed: SCM's API has no approval step for them.
      if (type === 'client_cert') return { kind: 'pending', reason: `requested at SCM${since(order.requested)}, awaiting issuance (SCM state ${order.status})` };
      return { kind: 'pending', reason: `awaiting approval at SCM${since(order.requested)} (SCM status ${order.status})` };
    case 'init':
      return { kind: 'pending', reason: `awaiting approval at SCM${since(order.requested)} (SCM status ${order.status})` };
    case 'approved':
    case 'saapproved':
      return { kind: 'pending', reason: `approved at SCM${since(order.approved)}, not yet sent to the CA (SCM status ${order.status})` };
    case 'applied':
      return { kind: 'pending', reason: `at the CA${since(order.approved ?? order.requested)}, awaiting issuance (SCM status ${order.status})` };
    case 'created':
    case 'blank':
      return { kind: 'pending', reason: `created at SCM${since(order.requested)}, not yet requested (SCM state ${order.status})` };
    default:
      return undefined;
  }
}
