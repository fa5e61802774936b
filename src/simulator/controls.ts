/**
 * A typed client for `/__simulator/`, for tests and demos that run the
 * simulator in-process or as `scmpki scm-simulator`.
 */
import type { ActiveFault, FaultRule } from './faults.js';
import type { SimulatorSettings } from './state.js';

export class SimulatorControls {
  constructor(private readonly baseUrl: string) {}

  settings(): Promise<SimulatorSettings> {
    return this.call('GET', '/settings');
  }

  updateSettings(patch: Partial<SimulatorSettings>): Promise<SimulatorSettings> {
    return this.call('PUT', '/settings', patch);
  }

  /** Calls per endpoint since start or the last reset, e.g. `{enroll: 1, collect: 4}`. */
  counters(): Promise<Record<string, number>> {
    return this.call('GET', '/counters');
  }

  resetCounters(): Promise<void> {
    return this.call('DELETE', '/counters');
  }

  addFault(rule: FaultRule): Promise<ActiveFault> {
    return this.call('POST', '/faults', rule);
  }

  faults(): Promise<ActiveFault[]> {
    return this.call('GET', '/faults');
  }

  clearFaults(): Promise<void> {
    return this.call('DELETE', '/faults');
  }

  expireTokens(): Promise<void> {
    return this.call('POST', '/tokens/expire');
  }

  /** Re-issues an issued SSL certificate (or issues one still at the CA) so that it expires `days` from now. */
  expireSsl(sslId: number, days: number): Promise<{ sslId: number; status: string; notAfter: string }> {
    return this.call('POST', `/ssl/${sslId}/expire`, { days });
  }

  /** Adds `count` issued SSL certificates (`<prefix>-<n>.example.com`, one shared key) without enrolling them. */
  seedSsl(count: number, options: { prefix?: string; days?: number; spreadDays?: number } = {}): Promise<{ count: number; firstSslId: number; lastSslId: number }> {
    return this.call('POST', '/ssl/seed', { count, ...options });
  }

  expireSmime(backendCertId: string, days: number): Promise<{ backendCertId: string; status: string; notAfter: string }> {
    return this.call('POST', `/smime/${encodeURIComponent(backendCertId)}/expire`, { days });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/__simulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator control ${method} ${path}: ${response.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}
