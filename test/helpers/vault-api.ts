/** Requests to a running server's /v1 API, sent as Vault's clients send them. */

export const MOUNT = 'sectigo-vault-pki';

export interface ApiReply {
  status: number;
  /** Parsed JSON body; undefined for 204. */
  body: any;
}

/** One request to `/v1/<path>`: the token in X-Vault-Token, the body as JSON, no Content-Type unless given. */
export async function vaultRequest(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiReply> {
  const response = await fetch(`${url}/v1/${path}`, {
    method,
    headers: { 'X-Vault-Token': token, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** One request to the engine mount of a server: `call('PUT', 'enroll/web', {...})`. */
export function engineCaller(url: string, token: string) {
  return (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiReply> =>
    vaultRequest(url, token, method, `${MOUNT}/${path}`, body, headers);
}
