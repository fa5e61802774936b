/**
 * PEM arrives in every shape a shell or a JSON file can produce: `k=@file`
 * keeps Windows line endings, a JSON string written by hand often carries
 * literal `\n` escapes instead of newlines, and SCM's own samples strip
 * newlines entirely. Normalising once here means every parser downstream sees
 * the same text.
 */
export function normalisePemText(text: string): string {
  return text
    .replace(/\\r\\n|\\n|\\r/g, '\n')
    .replace(/\r\n?/g, '\n')
    .trim();
}

export interface PemBlock {
  /** The label between BEGIN and END, e.g. `CERTIFICATE`. */
  label: string;
  der: Uint8Array<ArrayBuffer>;
}

// Body characters are matched loosely (anything up to the END line) so a block
// whose newlines were stripped, or which carries headers, is still found.
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block in `text`, in order; text between blocks is ignored. */
export function findPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of normalisePemText(text).matchAll(PEM_BLOCK)) {
    const body = match[2].replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
    blocks.push({ label: match[1], der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  return blocks;
}

/** Canonical PEM: 64-column base64 and a trailing newline. */
export function toPem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
