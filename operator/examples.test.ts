import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { formatErrors, validateHelloService } from './api/validate.ts';

const files = readdirSync('examples').filter((f) => f.endsWith('.yaml'));
const docs = (file: string) =>
  parseAllDocuments(readFileSync(`examples/${file}`, 'utf8')).map((d) => d.toJS() as Record<string, never>);

describe('examples', () => {
  it('include the ones the README promises', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'hello.yaml',
        'autoscaling.yaml',
        'ingress-tls.yaml',
        'restricted-namespace.yaml',
        'platform.yaml',
      ]),
    );
  });

  it.each(files)('%s starts with a comment saying what it shows', (file) => {
    expect(readFileSync(`examples/${file}`, 'utf8')).toMatch(/^# \S.{20,}/);
  });

  it.each(files)('every HelloService in %s is valid', (file) => {
    const helloServices = docs(file).filter((d) => d.kind === 'HelloService');
    expect(helloServices.length).toBeGreaterThan(0);
    for (const doc of helloServices) {
      const result = validateHelloService(doc);
      expect(result.ok ? '' : formatErrors(result.errors)).toBe('');
    }
  });

  it('hello.yaml is just a message', () => {
    const [doc] = docs('hello.yaml');
    expect(Object.keys(doc?.spec ?? {})).toEqual(['message']);
  });

  it('restricted-namespace.yaml puts its HelloService in a namespace that enforces "restricted"', () => {
    const all = docs('restricted-namespace.yaml') as unknown as Array<{
      kind: string;
      metadata: { name: string; namespace?: string; labels?: Record<string, string> };
    }>;
    const ns = all.find((d) => d.kind === 'Namespace');
    expect(ns?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const d of all.filter((x) => x.kind === 'HelloService'))
      expect(d.metadata.namespace).toBe(ns?.metadata.name);
  });
});
