/**
 * The listener as a start builds it (steps 1 and 2 of start.ts): the TLS
 * pair is loaded and checked and the address bound before anything is
 * written to disk, so a bad path or a busy port leaves no trace. Requests
 * that arrive before the app is built wait for it.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { createSecureContext } from 'node:tls';
import { guardConnections, listenerTimeouts } from '../http/listener.js';
import type { Logger } from '../logging.js';
import type { ServerSettings } from './settings.js';

function splitListenAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export interface Listener {
  server: http.Server;
  scheme: 'http' | 'https';
  /** Where requests go once the app is built; until then they wait. */
  serve(handler: http.RequestListener): void;
}

/** Step 1 for the listener: the TLS files are read and must form a usable pair. */
export async function loadTls(settings: ServerSettings): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  const { tls_cert_file: certFile, tls_key_file: keyFile } = settings;
  if (!certFile || !keyFile) {
    const { host } = splitListenAddress(settings.listen_address);
    if (!isLoopback(host) && !settings.tls_disable) {
      throw new Error(
        `refusing plain HTTP on ${settings.listen_address}: set tls_cert_file and tls_key_file, or tls_disable=true if a TLS proxy is in front`,
      );
    }
    return undefined;
  }
  const read = async (setting: string, file: string) => {
    try {
      return await readFile(file);
    } catch (err) {
      throw new Error(`${setting} ${file}: ${(err as Error).message}`);
    }
  };
  const pair = { cert: await read('tls_cert_file', certFile), key: await read('tls_key_file', keyFile) };
  try {
    createSecureContext(pair);
  } catch (err) {
    throw new Error(`tls_cert_file ${certFile} and tls_key_file ${keyFile} do not form a usable pair: ${(err as Error).message}`);
  }
  return pair;
}

/** Step 2: bound, with requests held until `serve` is called. */
export async function bindListener(settings: ServerSettings, tls: { cert: Buffer; key: Buffer } | undefined, logger: Logger): Promise<Listener> {
  let serving: ((handler: http.RequestListener) => void) | undefined;
  let served: http.RequestListener | undefined;
  const ready = new Promise<http.RequestListener>((resolve) => (serving = resolve));
  // Once serving, a request goes straight to the handler, not through a promise each.
  const handler: http.RequestListener = (req, res) => (served ? served(req, res) : void ready.then((serve) => serve(req, res)));
  const durationMs = settings.max_request_duration * 1000;
  const options = listenerTimeouts(durationMs);
  let server: http.Server;
  if (tls) {
    server = https.createServer({ ...options, ...tls, minVersion: 'TLSv1.2' }, handler);
    // LIST requests are replayed as plain HTTP on an unlistened server: the TLS layer is already done.
    guardConnections(server, http.createServer(handler), logger, durationMs);
  } else {
    server = http.createServer(options, handler);
    guardConnections(server, server, logger, durationMs);
  }
  const { host, port } = splitListenAddress(settings.listen_address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`listen_address ${settings.listen_address}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`)),
    );
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  return {
    server,
    scheme: tls ? 'https' : 'http',
    serve: (app) => {
      served = app;
      serving!(app);
    },
  };
}

export function closeListener(server: http.Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // In-flight requests get a moment to finish; then the rest is cut.
  const force = setTimeout(() => server.closeAllConnections(), 5000);
  force.unref();
  return closed.finally(() => clearTimeout(force));
}

