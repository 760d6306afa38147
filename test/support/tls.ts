/**
 * Certificates for HTTPS tests, made by the `openssl` command (node:crypto makes keys, not X.509
 * certificates), and a client that speaks HTTPS with a chosen CA and client certificate.
 */
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import type { RawResponse } from './http';

export interface TestCertificates {
  /** Self-signed server certificate for 127.0.0.1 and localhost, and its key. */
  cert: string;
  key: string;
  /** The same key, encrypted under `password`. */
  encryptedKey: string;
  password: string;
  /** A CA, and a client certificate it signed (for SSL_CA_FILE). */
  ca: string;
  clientCert: string;
  clientKey: string;
}

export function makeCertificates(dir: string): TestCertificates {
  const at = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', at('server.key'), '-out', at('server.pem'), '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost');
  const password = 'test-key-passphrase';
  openssl('pkey', '-in', at('server.key'), '-aes256', '-passout', `pass:${password}`, '-out', at('server-encrypted.key'));
  openssl('req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=test client CA');
  openssl('req', ...ec, '-keyout', at('client.key'), '-out', at('client.csr'), '-subj', '/CN=rasa');
  openssl('x509', '-req', '-in', at('client.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('client.pem'), '-days', '2');
  return {
    cert: at('server.pem'),
    key: at('server.key'),
    encryptedKey: at('server-encrypted.key'),
    password,
    ca: at('ca.pem'),
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
  };
}

/** GET over HTTPS, trusting `ca` (the server's self-signed certificate), optionally with a client certificate. */
export function httpsGet(url: string, opts: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: opts.ca, cert: opts.cert, key: opts.key, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
      });
    });
    req.on('error', reject);
  });
}
