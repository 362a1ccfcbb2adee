// deploy/rbac is least privilege: no wildcards, no Secrets, and exactly the kinds and verbs the
// operator uses (the cluster tests run the operator under these roles and nothing else).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { WATCHED_CHILD_KINDS } from '../../operator/resources/children.ts';
import { rbacFiles } from '../../operator/resources/rbac.ts';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
const read = (file: string) => parse(readFileSync(`deploy/rbac/${file}`, 'utf8')) as { rules: Rule[] };
const rules = [...read('role.yaml').rules, ...read('leader_election_role.yaml').rules];
const verbsOn = (group: string, resource: string) =>
  new Set(
    rules
      .filter((r) => r.apiGroups.includes(group) && r.resources.includes(resource))
      .flatMap((r) => r.verbs),
  );

describe('deploy/rbac', () => {
  it.each(Object.entries(rbacFiles()))(
    '%s is the one generated from the table of child kinds (npm run generate)',
    (path, content) => {
      expect(readFileSync(path, 'utf8')).toBe(content);
    },
  );

  it('has no wildcard, and on Secrets only get: it reads those a HelloService names, never lists or watches them', () => {
    for (const r of rules) expect([...r.apiGroups, ...r.resources, ...r.verbs]).not.toContain('*');
    expect([...verbsOn('', 'secrets')]).toEqual(['get']);
  });

  it('lets the operator watch and apply (create + patch) and delete every watched child kind', () => {
    for (const kind of WATCHED_CHILD_KINDS) {
      const group = kind.apiVersion.includes('/') ? (kind.apiVersion.split('/')[0] ?? '') : '';
      expect([...verbsOn(group, kind.plural)].sort(), kind.kind).toEqual(
        ['create', 'delete', 'get', 'list', 'patch', 'watch'].sort(),
      );
    }
  });

  it('reads HelloServices, writes only their status, and nothing more than needed elsewhere', () => {
    expect([...verbsOn('hello.operators.dev', 'helloservices')].sort()).toEqual(['get', 'list', 'watch']);
    expect([...verbsOn('hello.operators.dev', 'helloservices/status')].sort()).toEqual(['get', 'patch']);
    expect([...verbsOn('networking.k8s.io', 'ingressclasses')].sort()).toEqual(['get', 'list']);
    expect([...verbsOn('events.k8s.io', 'events')].sort()).toEqual(['create', 'patch']);
    expect([...verbsOn('coordination.k8s.io', 'leases')].sort()).toEqual(['create', 'get', 'update']);
    expect([...verbsOn('monitoring.coreos.com', 'servicemonitors')].sort()).toEqual([
      'create',
      'delete',
      'get',
      'patch',
    ]);
    expect(verbsOn('', 'events').size).toBe(0);
    // Reviews of the tokens that scrape /metrics (--metrics-secure).
    expect([...verbsOn('authentication.k8s.io', 'tokenreviews')]).toEqual(['create']);
    expect([...verbsOn('authorization.k8s.io', 'subjectaccessreviews')]).toEqual(['create']);
  });
});
