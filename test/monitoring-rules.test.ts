// The alerts and dashboards of deploy/monitoring, checked with the real promtool (built from the
// Prometheus Go module by test/cluster/build.sh): every rule parses, every alert has a firing and a
// quiet unit test (test/monitoring/alerts.test.yaml) that pass, every alert has a runbook, and every
// dashboard query parses. That the queries' metrics exist is proven against a running Prometheus in
// test/monitoring.test.ts.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { monitoringBinary, repoRoot } from './cluster/paths.ts';
import { runScript } from './cluster/run-script.ts';
import { alerts, dashboardQueries, ruleGroups } from './monitoring/files.ts';

const RUNBOOK_BASE = 'https://github.com/hello-operator/hello-operator/blob/main/';

describe('deploy/monitoring with promtool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hello-promtool-'));
  const promtool = (...args: string[]) => {
    const r = spawnSync(monitoringBinary('promtool'), args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };

  beforeAll(async () => {
    // Cached after the first build; a cold build takes ~15 minutes on 2 cores.
    if (!existsSync(monitoringBinary('promtool'))) await runScript('build.sh', ['prometheus']);
    writeFileSync(join(dir, 'rules.yaml'), stringify(ruleGroups()));
    copyFileSync(join(repoRoot, 'test', 'monitoring', 'alerts.test.yaml'), join(dir, 'alerts.test.yaml'));
  }, 1_800_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('checks the PrometheusRule: every rule parses', () => {
    const r = promtool('check', 'rules', 'rules.yaml');
    expect(r.output).toContain(`SUCCESS: ${alerts().length} rules found`);
    expect(r.status).toBe(0);
  });

  it('would notice a rule that does not parse', () => {
    writeFileSync(
      join(dir, 'broken.yaml'),
      stringify({ groups: [{ name: 'x', rules: [{ alert: 'X', expr: 'sum(up' }] }] }),
    );
    expect(promtool('check', 'rules', 'broken.yaml').status).not.toBe(0);
  });

  it('has a firing and a quiet unit test for every alert, and they pass (promtool test rules)', () => {
    const tests = (
      parse(readFileSync(join(dir, 'alerts.test.yaml'), 'utf8')) as {
        tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
      }
    ).tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const { alert } of alerts()) {
      const cases = tests.filter((t) => t.alertname === alert);
      expect(
        cases.some((t) => t.exp_alerts.length > 0),
        `${alert}: a firing case`,
      ).toBe(true);
      expect(
        cases.some((t) => t.exp_alerts.length === 0),
        `${alert}: a quiet case`,
      ).toBe(true);
    }
    const r = promtool('test', 'rules', 'alerts.test.yaml');
    expect(r.output).toContain('SUCCESS');
    expect(r.status, r.output).toBe(0);
  });

  it('gives every alert a severity and a runbook in docs/runbooks/<alert>.md that says what to do', () => {
    for (const { alert, labels, annotations } of alerts()) {
      expect(['critical', 'warning'], alert).toContain(labels?.severity);
      expect(annotations?.runbook_url, alert).toBe(`${RUNBOOK_BASE}docs/runbooks/${alert}.md`);
      const runbook = readFileSync(join(repoRoot, 'docs', 'runbooks', `${alert}.md`), 'utf8');
      expect(runbook, alert).toMatch(new RegExp(`^# ${alert}\\n`));
      expect(runbook, alert).toMatch(/^## What it means$/m);
      expect(runbook, alert).toMatch(/^## What to do$/m);
    }
  });

  it('parses every dashboard query (as recording rules, with the variables filled in)', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(20);
    const rules = queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr }));
    writeFileSync(join(dir, 'dashboards.yaml'), stringify({ groups: [{ name: 'dashboards', rules }] }));
    const r = promtool('check', 'rules', 'dashboards.yaml');
    expect(r.output).toContain(`SUCCESS: ${queries.length} rules found`);
    expect(r.status).toBe(0);
  });
});
