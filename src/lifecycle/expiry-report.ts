/**
 * The expiry report (an inventory's "what expires soon, and is anyone on
 * it"): every config's certificates whose `not_after` falls within a window,
 * read from the summary index (record-index.ts) only, so a report over a
 * large estate decrypts no record.
 */
import { daysUntil, type ScmFault } from './record.js';
import type { RecordSummary } from './record-index.js';
import type { Deps } from './services.js';

export interface ExpiryReportQuery {
  /** Certificates expiring up to this long from now (expired ones included). */
  withinMs: number;
  /** Only this config's records. */
  config?: string;
  /** Only records in these states; default every state but Revoked. */
  states?: string[];
  now?: Date;
}

export interface ExpiringCertificate {
  id: string;
  config: string;
  domain: string;
  sans: readonly string[];
  status: string;
  not_after: string;
  days_left: number;
  auto_renew: boolean;
  /** A renewal was sent to SCM and its certificate is not issued yet. */
  renewal_in_flight: boolean;
  /** The renewal's record, once stored. */
  renewal_id: string | null;
  imported: boolean;
  last_error: ScmFault | null;
}

export interface ExpiryReport {
  generated_at: string;
  within_until: string;
  count: number;
  expired: number;
  auto_renew: number;
  renewal_in_flight: number;
  with_errors: number;
  certificates: ExpiringCertificate[];
}

export async function expiryReport(deps: Deps<'records'>, query: ExpiryReportQuery): Promise<ExpiryReport> {
  const now = query.now ?? new Date();
  const until = now.getTime() + query.withinMs;
  const configs = query.config === undefined ? await deps.records.configsWithRecords() : [query.config];
  const wanted = query.states && query.states.length > 0 ? new Set(query.states) : undefined;
  const certificates: ExpiringCertificate[] = [];
  for (const config of configs) {
    for await (const summaries of deps.records.summaries(config)) {
      for (const [id, json] of summaries) {
        const summary = JSON.parse(json) as Partial<RecordSummary> & Pick<RecordSummary, 'domain' | 'status' | 'not_after'>;
        const notAfter = Date.parse(summary.not_after);
        if (Number.isNaN(notAfter) || notAfter > until) continue;
        if (wanted ? !wanted.has(summary.status) : summary.status === 'Revoked') continue;
        const successor = summary.renewed_to ? await deps.records.summary(config, summary.renewed_to) : undefined;
        // Renewed and its successor issued: the successor is the certificate in use, and is reported on its own.
        if (!wanted && successor?.status === 'Issued') continue;
        certificates.push({
          id,
          config,
          domain: summary.domain,
          sans: summary.sans ?? [],
          status: summary.status,
          not_after: summary.not_after,
          days_left: daysUntil(summary.not_after, now) as number,
          auto_renew: summary.auto_renew ?? false,
          renewal_in_flight: summary.renewing === true || (successor !== undefined && successor.status !== 'Issued'),
          renewal_id: summary.renewed_to ?? null,
          imported: summary.imported ?? false,
          last_error: summary.last_error ?? null,
        });
      }
    }
  }
  certificates.sort((a, b) => Date.parse(a.not_after) - Date.parse(b.not_after) || a.id.localeCompare(b.id));
  return {
    generated_at: now.toISOString(),
    within_until: new Date(until).toISOString(),
    count: certificates.length,
    expired: certificates.filter((c) => Date.parse(c.not_after) < now.getTime()).length,
    auto_renew: certificates.filter((c) => c.auto_renew).length,
    renewal_in_flight: certificates.filter((c) => c.renewal_in_flight).length,
    with_errors: certificates.filter((c) => c.last_error !== null).length,
    certificates,
  };
}
