/**
 * A Prometheus scrape of a running server's sys/metrics, parsed by
 * parse-prometheus-text-format (a port of the Prometheus Python client's
 * parser, which throws on a line that is not the text format). That parser
 * merges the label sets of a histogram into one, so histogram series are
 * read from the JSON format instead (`samples`).
 */
// @ts-expect-error: the package ships no types; its one export is typed below.
import parse from 'parse-prometheus-text-format';
import { vaultRequest } from './vault-api.js';

interface ParsedFamily {
  name: string;
  type: string;
  metrics: Array<{ value?: string; labels?: Record<string, string> }>;
}

export interface Scrape {
  contentType: string;
  families: ParsedFamily[];
  /** The value of a counter or gauge series whose labels include `labels`; undefined when there is none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Every label set of a counter or gauge. */
  series(name: string): Array<Record<string, string>>;
}

function matches(have: Record<string, string> | undefined, want: Record<string, string>): boolean {
  return Object.entries(want).every(([name, value]) => have?.[name] === value);
}

export async function scrape(url: string, token: string | undefined): Promise<Scrape> {
  const response = await fetch(`${url}/v1/sys/metrics?format=prometheus`, { headers: token === undefined ? {} : { 'X-Vault-Token': token } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`scrape: ${response.status} ${text}`);
  const families = (parse as (text: string) => ParsedFamily[])(text);
  const family = (name: string) => families.find((f) => f.name === name);
  return {
    contentType: response.headers.get('content-type') ?? '',
    families,
    value(name, labels = {}) {
      const found = family(name)?.metrics.find((metric) => matches(metric.labels, labels));
      return found?.value === undefined ? undefined : Number(found.value);
    },
    series: (name) => (family(name)?.metrics ?? []).map((metric) => metric.labels ?? {}),
  };
}

export interface VaultSample {
  Name: string;
  Count: number;
  Sum: number;
  Mean: number;
  Labels: Record<string, string>;
}

/** The histogram series of the JSON format (`Samples`) named `name`. */
export async function samples(url: string, token: string, name: string): Promise<VaultSample[]> {
  const reply = await vaultRequest(url, token, 'GET', 'sys/metrics');
  if (reply.status !== 200) throw new Error(`sys/metrics: ${reply.status} ${JSON.stringify(reply.body)}`);
  return (reply.body.Samples as VaultSample[]).filter((sample) => sample.Name === name);
}
