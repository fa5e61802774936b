/**
 * Text the way the `vault` CLI prints it (Go's `%v`, columnize tables, Go
 * durations), so table output looks the same as from `vault read`.
 */

/** Go's `%v` of a decoded JSON value: `[a b]`, `map[k:v]`, `<nil>`. */
export function formatGoValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(formatGoValue).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${formatGoValue(v)}`).join(' ')}]`;
  }
  return String(value);
}

/** Go's `%q` of a string list: `["default" "web"]`, as Vault prints policies. */
export function formatQuotedList(value: unknown): string {
  const items = Array.isArray(value) ? value : [];
  return `[${items.map((item) => JSON.stringify(String(item))).join(' ')}]`;
}

/** Vault's HumanDuration: Go's Duration.String() without trailing zero units; 0 → ∞ for tokens. */
export function humanDuration(seconds: number): string {
  if (seconds <= 0) return '∞';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  let text = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
  if (text.endsWith('m0s')) text = text.slice(0, -2);
  if (text.endsWith('h0m')) text = text.slice(0, -2);
  return text;
}

const GLUE = '    ';

/**
 * A table with a header row and a dashed underline, columns padded to the
 * widest cell and glued with four spaces (columnize as Vault configures it).
 * The last column is not padded, so a multi-line PEM value prints intact.
 */
export function formatTable(header: string[], rows: string[][]): string {
  const all = [header, header.map((h) => '-'.repeat(h.length)), ...rows].map((row) =>
    row.map((cell) => (cell.trim() === '' ? 'n/a' : cell.trim())),
  );
  const widths = header.map((_, col) => Math.max(...all.map((row) => (row[col] ?? '').length)));
  return all
    .map((row) =>
      row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]))).join(GLUE),
    )
    .join('\n');
}
