/**
 * The HTTPS settings (SSL_CERTIFICATE, SSL_KEYFILE, SSL_PASSWORD, SSL_CA_FILE) read into what the
 * server needs, and tried once: a missing file, a key that does not open with the password or
 * does not match the certificate stops start-up with a message naming the setting.
 */
import fs from 'node:fs';
import tls from 'node:tls';
import type { Config } from '../config';
import type { TlsOptions } from '../server/app';

type TlsSettings = Pick<Config, 'SSL_CERTIFICATE' | 'SSL_KEYFILE' | 'SSL_PASSWORD' | 'SSL_CA_FILE'>;

function read(setting: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`${setting}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** The server's TLS options, or undefined when no certificate is configured (plain HTTP). */
export function tlsOptions(config: TlsSettings): TlsOptions | undefined {
  if (!config.SSL_CERTIFICATE) return undefined;
  const cert = read('SSL_CERTIFICATE', config.SSL_CERTIFICATE);
  // As rasa_sdk (Python's load_cert_chain): without a key file, the key is in the certificate's file.
  const key = config.SSL_KEYFILE ? read('SSL_KEYFILE', config.SSL_KEYFILE) : cert;
  const options: TlsOptions = { cert, key, ...(config.SSL_PASSWORD ? { passphrase: config.SSL_PASSWORD } : {}) };
  if (config.SSL_CA_FILE) options.ca = read('SSL_CA_FILE', config.SSL_CA_FILE);
  try {
    tls.createSecureContext(options);
  } catch (err) {
    // OpenSSL's reason only (e.g. "bad decrypt", "key values mismatch"): never the key's bytes.
    const reason = (err as Error).message.split('\n')[0];
    throw new Error(`SSL_CERTIFICATE/SSL_KEYFILE${config.SSL_PASSWORD ? '/SSL_PASSWORD' : ''}: the certificate and key cannot be used (${reason})`);
  }
  return options;
}
