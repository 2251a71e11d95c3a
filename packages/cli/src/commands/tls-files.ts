import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { ServerTls } from '@agentspan/server';

export interface TlsFlags {
  tlsCert?: string;
  tlsKey?: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
const PEM_ENCRYPTED_KEY = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/;
const MAKE_ONE = 'see "HTTPS" in the README for making a certificate and key with openssl';

/**
 * The certificate and key `--tls-cert` and `--tls-key` name, read and checked to be a matching PEM pair,
 * so that serve refuses a wrong one before it opens (or creates) a store; undefined without both flags.
 */
export function readTlsFiles(flags: TlsFlags): ServerTls | undefined {
  const { tlsCert, tlsKey } = flags;
  if (tlsCert === undefined && tlsKey === undefined) return undefined;
  if (tlsKey === undefined) throw new Error(`--tls-cert needs --tls-key: give both, the certificate and its private key, to serve HTTPS`);
  if (tlsCert === undefined) throw new Error(`--tls-key needs --tls-cert: give both, the certificate and its private key, to serve HTTPS`);
  const cert = readPem('--tls-cert', tlsCert);
  const key = readPem('--tls-key', tlsKey);
  const certificate = parseCertificate(tlsCert, cert);
  const privateKey = parsePrivateKey(tlsKey, key);
  const mismatch = `--tls-key ${tlsKey} is not the private key of the certificate in --tls-cert ${tlsCert}; give the key the certificate was made with`;
  if (!certificate.checkPrivateKey(privateKey)) throw new Error(mismatch);
  // What the HTTPS server itself will load: also catches a chain or key TLS cannot use.
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') throw new Error(mismatch);
    throw new Error(`--tls-cert ${tlsCert} with --tls-key ${tlsKey} cannot serve TLS: ${(error as Error).message}`);
  }
  return { cert, key };
}

function readPem(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const what = flag === '--tls-cert' ? 'the certificate (PEM)' : 'its private key (PEM)';
    if (code === 'ENOENT') throw new Error(`${flag} ${file}: no such file; give the path of ${what}`);
    if (code === 'EISDIR') throw new Error(`${flag} ${file} is a directory; give the path of ${what}`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new Error(`${flag} ${file} cannot be read (permission denied); let the user running agentspan read it`);
    throw new Error(`${flag} ${file} cannot be read: ${(error as Error).message}`);
  }
}

function parseCertificate(file: string, pem: Buffer): X509Certificate {
  const text = pem.toString('latin1');
  if (!PEM_CERTIFICATE.test(text)) {
    if (PEM_PRIVATE_KEY.test(text))
      throw new Error(`--tls-cert ${file} holds a private key, not a certificate; did you swap --tls-cert and --tls-key?`);
    throw new Error(`--tls-cert ${file} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line); ${MAKE_ONE}`);
  }
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new Error(`--tls-cert ${file}: its certificate cannot be read (${(error as Error).message}); ${MAKE_ONE}`);
  }
}

function parsePrivateKey(file: string, pem: Buffer): KeyObject {
  const text = pem.toString('latin1');
  if (PEM_ENCRYPTED_KEY.test(text)) {
    throw new Error(`--tls-key ${file} is encrypted with a passphrase; give it unencrypted (openssl pkey -in ${file} -out key.pem writes one)`);
  }
  if (!PEM_PRIVATE_KEY.test(text)) {
    if (PEM_CERTIFICATE.test(text))
      throw new Error(`--tls-key ${file} holds a certificate, not a private key; did you swap --tls-cert and --tls-key?`);
    throw new Error(`--tls-key ${file} is not a PEM private key (no "-----BEGIN PRIVATE KEY-----" line); ${MAKE_ONE}`);
  }
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new Error(`--tls-key ${file}: its private key cannot be read (${(error as Error).message}); ${MAKE_ONE}`);
  }
}
