/** Reading a file audit device's log in tests, and enabling one over the API. */
import { readFile } from 'node:fs/promises';
import { vaultRequest, type ApiReply } from './vault-api.js';

export interface AuditLine {
  type: 'request' | 'response';
  time: string;
  auth: Record<string, any>;
  request: Record<string, any>;
  response?: Record<string, any>;
  error?: string;
}

export async function readAuditLog(file: string): Promise<AuditLine[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditLine);
}

/** `vault audit enable -path=<name> file file_path=<file>` as the API sees it. */
export function enableFileDevice(url: string, token: string, name: string, file: string, options: Record<string, string> = {}): Promise<ApiReply> {
  return vaultRequest(url, token, 'PUT', `sys/audit/${name}`, { type: 'file', options: { file_path: file, ...options } });
}
