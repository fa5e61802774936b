/**
 * Finding an order scmpki placed but never heard back about: an enroll's by
 * the marker it put into the order's `comments` (order-intents.ts), a
 * renewal's as the first order for the same name after the renewed one
 * (renew.ts). SCM's SSL list carries no comments or dates, so SSL candidates
 * (same common name) are read one by one, newest first, until they were
 * requested before the search's `since`; the S/MIME list carries comments,
 * so one filtered list suffices.
 */
import type { ScmClient } from '../scm/index.js';
import type { PlacedOrder } from './placed-order.js';

/** What a search knows of a candidate order. */
export interface CandidateOrder {
  scmId: number;
  comments?: string;
}

export interface OrderSearch {
  /** SSL: SCM's commonName list filter. */
  commonName: string;
  /** Client: SCM's email list filter. */
  email?: string;
  /** When the order was about to be placed: older orders are not candidates. */
  since: Date;
  /** Is this the order sought? Of several, the oldest is taken. */
  accept(order: CandidateOrder): boolean | Promise<boolean>;
}

const PAGE = 200;
/** A name with more orders than this is not searched further (oldest are skipped). */
const MAX_CANDIDATES = 2_000;
const DAY_MS = 24 * 60 * 60 * 1000;

async function allPages<T>(fetchPage: (position: number, size: number) => Promise<T[]>): Promise<T[]> {
  const all: T[] = [];
  for (let position = 0; all.length < MAX_CANDIDATES; position += PAGE) {
    const page = await fetchPage(position, PAGE);
    all.push(...page);
    if (page.length < PAGE) break;
  }
  return all;
}

/** SCM's `MM/dd/yyyy`, as a UTC midnight; undefined when absent or unreadable. */
function scmDay(text: string | undefined): number | undefined {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text ?? '');
  return match ? Date.UTC(Number(match[3]), Number(match[1]) - 1, Number(match[2])) : undefined;
}

export async function findSslOrder(client: ScmClient, search: OrderSearch): Promise<PlacedOrder | undefined> {
  const items = await allPages(async (position, size) => (await client.listSsl({ commonName: search.commonName, position, size })).items);
  // SCM's calendar day may be in another time zone than ours: a margin of two days.
  const earliest = search.since.getTime() - 2 * DAY_MS;
  let found: PlacedOrder | undefined;
  for (const sslId of items.map((item) => item.sslId).sort((a, b) => b - a)) {
    const details = await client.getSsl(sslId);
    const requested = scmDay(details.requested);
    // Ids grow with time, so everything further down the list is older still.
    if (requested !== undefined && requested < earliest) break;
    const comments = typeof details.comments === 'string' ? details.comments : undefined;
    if (await search.accept({ scmId: sslId, comments })) found = { scmId: sslId };
  }
  return found;
}

export async function findSmimeOrder(client: ScmClient, search: OrderSearch): Promise<PlacedOrder | undefined> {
  const items = await allPages((position, size) => client.listSmime({ email: search.email, position, size }));
  let found: { orderNumber: number; backendCertId?: string | null } | undefined;
  for (const item of items) {
    const { orderNumber } = item;
    if (orderNumber === undefined || (found && found.orderNumber < orderNumber)) continue;
    if (await search.accept({ scmId: orderNumber, comments: item.comments })) found = { orderNumber, backendCertId: item.backendCertId };
  }
  if (!found) return undefined;
  return { scmId: found.orderNumber, backendCertId: found.backendCertId ?? String(found.orderNumber) };
}
