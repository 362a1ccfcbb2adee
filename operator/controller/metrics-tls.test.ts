import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.ts';
import { metricsTls, readCertDir, selfSignedCertificate } from './metrics-tls.ts';

describe('metrics TLS', () => {
  it('makes a self-signed server certificate for the given names, valid now, whose key is its own', async () => {
    const now = new Date();
    const pair = await selfSignedCertificate(['localhost', '127.0.0.1', 'pod-a'], now);
    const cert = new X509Certificate(pair.cert);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, DNS:pod-a');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(new Date(cert.validFrom).getTime()).toBeLessThanOrEqual(now.getTime());
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(now.getTime() + 300 * 86_400_000);
    expect(cert.checkPrivateKey(createPrivateKey(pair.key))).toBe(true);
  });

  it('reads tls.crt and tls.key from --metrics-cert-dir, refusing a pair that does not match', async () => {
    const [a, b] = await Promise.all([selfSignedCertificate(['a']), selfSignedCertificate(['b'])]);
    const dir = mkdtempSync(join(tmpdir(), 'metrics-cert-'));
    writeFileSync(join(dir, 'tls.crt'), a.cert);
    writeFileSync(join(dir, 'tls.key'), a.key);
    expect(await metricsTls(dir)).toEqual(a);

    writeFileSync(join(dir, 'tls.key'), b.key);
    expect(() => readCertDir(dir)).toThrow(ConfigError);
    expect(() => readCertDir(dir)).toThrow(
      /--metrics-cert-dir=".*": cannot use tls.crt and tls.key: .*mismatch/,
    );
    expect(() => readCertDir(join(dir, 'missing'))).toThrow(/--metrics-cert-dir=".*missing": .*ENOENT/);
  });
});
