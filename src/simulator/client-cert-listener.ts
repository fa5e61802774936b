/**
 * SCM's client-certificate login (reference/scm-api.md §2.2) as a second
 * listener: TLS that asks every client for a certificate, API calls under
 * `/private/api`, and API admins known by their certificate's serial number.
 * The handshake itself never fails for a wrong or missing certificate: SCM
 * answers such a call, as any bad login, with 401 and code -16, and the
 * client must see that answer.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, RequestListener } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface ClientCertListenerOptions {
  /** host:port; default "127.0.0.1:0". */
  listen?: string;
  /** The listener's own TLS certificate and key (PEM). */
  certificatePem: string;
  privateKeyPem: string;
  /** CA certificates (PEM) whose client certificates are accepted. */
  clientCaPem: string;
  /** API admins by certificate: a client certificate with this serial number (hex) logs in as `login`. */
  admins: Array<{ login: string; certificateSerialNumber: string }>;
}

/** What the TLS handshake said about the caller's certificate. */
export interface PresentedCertificate {
  /** Issued by one of the accepted CAs and valid now. */
  trusted: boolean;
  /** Upper-case hex without leading zeros; '' when none was presented. */
  serialNumber: string;
}

const PRESENTED = Symbol('presented client certificate');

/** The certificate a request arrived with over the client-certificate listener; undefined for the plain listener. */
export function presentedCertificate(req: IncomingMessage): PresentedCertificate | undefined {
  return (req as IncomingMessage & { [PRESENTED]?: PresentedCertificate })[PRESENTED];
}

export function normalizeSerial(hex: string): string {
  return hex.replace(/[^0-9a-f]/gi, '').replace(/^0+(?=.)/, '').toUpperCase();
}

export function createClientCertServer(options: ClientCertListenerOptions, app: RequestListener): Server {
  return createServer(
    { cert: options.certificatePem, key: options.privateKeyPem, ca: options.clientCaPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      (req as IncomingMessage & { [PRESENTED]?: PresentedCertificate })[PRESENTED] = {
        trusted: socket.authorized,
        serialNumber: peer?.serialNumber ? normalizeSerial(peer.serialNumber) : '',
      };
      // SCM serves the same API under /private/api to certificate logins.
      if (req.url?.startsWith('/private/api/')) req.url = req.url.slice('/private'.length);
      app(req, res);
    },
  );
}
