// The certificate /metrics is served with (--metrics-secure): the files of --metrics-cert-dir (a
// kubernetes.io/tls Secret mounted, e.g. from cert-manager), or else, as controller-runtime does, a
// self-signed one made at start and kept in memory only. Node can read certificates but not make
// them, so node-forge signs it; the key pair comes from node:crypto (native, fast).

import { generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { ConfigError, SETTINGS } from '../config.ts';

export type TlsPair = { cert: string; key: string };

/** The file names of a kubernetes.io/tls Secret, as kubebuilder's --metrics-cert-path expects them. */
export const CERT_FILE = 'tls.crt';
export const KEY_FILE = 'tls.key';

/** A self-signed certificate lasts this long; the operator is restarted (upgraded) far more often. */
const SELF_SIGNED_DAYS = 365;

/** A self-signed certificate for `hosts` (DNS names or IP addresses), with a new RSA-2048 key. */
export async function selfSignedCertificate(hosts: string[], now = new Date()): Promise<TlsPair> {
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // A positive 16-byte serial number (the top bit clear), as RFC 5280 asks.
  cert.serialNumber = `0${randomBytes(16).toString('hex').slice(1)}`;
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + SELF_SIGNED_DAYS * 86_400_000);
  const name = [{ name: 'commonName', value: 'hello-operator-metrics' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hosts.map((host) =>
        /^[\d.]+$|:/.test(host) ? { type: 7, ip: host } : { type: 2, value: host },
      ),
    },
  ]);
  const key = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  cert.sign(forge.pki.privateKeyFromPem(key), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key };
}

/** tls.crt and tls.key of `dir`; a ConfigError naming --metrics-cert-dir when they cannot serve. */
export function readCertDir(dir: string): TlsPair {
  const flag = `--${SETTINGS.metricsCertDir.flag}=${JSON.stringify(dir)}`;
  try {
    const pair = {
      cert: readFileSync(join(dir, CERT_FILE), 'utf8'),
      key: readFileSync(join(dir, KEY_FILE), 'utf8'),
    };
    new X509Certificate(pair.cert);
    // Throws when the key is not the certificate's ("key values mismatch").
    createSecureContext(pair);
    return pair;
  } catch (err) {
    throw new ConfigError([`${flag}: cannot use ${CERT_FILE} and ${KEY_FILE}: ${(err as Error).message}`]);
  }
}

/** The certificate for /metrics: from `certDir`, else self-signed for this pod's names. */
export async function metricsTls(certDir: string | undefined): Promise<TlsPair> {
  if (certDir) return readCertDir(certDir);
  return await selfSignedCertificate(['localhost', '127.0.0.1', '::1', hostname()]);
}
