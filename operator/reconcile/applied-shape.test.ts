// What the reconcile applies must be what the API server stores, or every server-side apply
// changes the object and the controller never settles. An empty list is the trap found on a real
// cluster: the server drops it, so each apply re-adds it and bumps the generation.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validateHelloService } from '../api/validate.ts';
import { desiredChildren } from '../resources/children.ts';
import { operatorSettings } from '../resources/settings.ts';

function emptyLists(value: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(path);
    value.forEach((v, i) => {
      emptyLists(v, `${path}[${i}]`, out);
    });
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) emptyLists(v, `${path}.${k}`, out);
  }
  return out;
}

const files = readdirSync('examples').filter((f) => f.endsWith('.yaml'));

describe('applied children', () => {
  it.each(files)('of %s hold no empty list', (file) => {
    for (const doc of parseAllDocuments(readFileSync(`examples/${file}`, 'utf8'))) {
      const result = validateHelloService(doc.toJS());
      if (!result.ok) continue;
      const hs = { ...result.value, metadata: { ...result.value.metadata, uid: 'u', namespace: 'ns' } };
      for (const child of desiredChildren(hs, operatorSettings())) {
        expect(emptyLists(child, child.kind, []), child.kind).toEqual([]);
      }
    }
  });
});
