// The monitoring manifests as the tests read them: the PrometheusRule's rule groups (a plain
// Prometheus rule file), and every query of the Grafana dashboards with its variables filled in.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../cluster/paths.ts';

export const monitoringDir = join(repoRoot, 'deploy', 'monitoring');

/** The namespace label that test/cluster/monitoring.sh's Prometheus selects ServiceMonitors and rules
 * by (each test gives it a value of its own). */
export const SELECTOR_LABEL = 'hello-operator.test/monitoring';
/** prometheus-operator's CRD that the tests look for, to know whether the stack was there before. */
export const SERVICE_MONITOR_CRD = 'servicemonitors.monitoring.coreos.com';

export type AlertRule = {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};
export type RuleGroups = { groups: { name: string; rules: AlertRule[] }[] };

/** spec of deploy/monitoring/prometheus_rule.yaml: what promtool and Prometheus read as a rule file. */
export function ruleGroups(): RuleGroups {
  const rule = parse(readFileSync(join(monitoringDir, 'prometheus_rule.yaml'), 'utf8')) as {
    spec: RuleGroups;
  };
  return rule.spec;
}

export function alerts(): AlertRule[] {
  return ruleGroups().groups.flatMap((g) => g.rules);
}

type Panel = { title: string; targets?: { expr: string }[]; panels?: Panel[] };
export type DashboardQuery = { dashboard: string; panel: string; expr: string };

/**
 * Every panel query of every dashboard, as Prometheus would receive it from Grafana: `$__rate_interval`
 * becomes a duration and each template variable its "All" value.
 */
export function dashboardQueries(): DashboardQuery[] {
  const dir = join(monitoringDir, 'dashboards');
  const out: DashboardQuery[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      panels: Panel[];
      templating: { list: { name: string; allValue?: string }[] };
    };
    const all = new Map(dashboard.templating.list.map((v) => [v.name, v.allValue ?? '.*']));
    const fill = (expr: string) =>
      expr
        .replaceAll('$__rate_interval', '2m')
        .replace(/\$\{?(\w+)\}?/g, (m, name: string) => all.get(name) ?? m);
    const walk = (panels: Panel[]) => {
      for (const p of panels) {
        for (const t of p.targets ?? []) out.push({ dashboard: file, panel: p.title, expr: fill(t.expr) });
        walk(p.panels ?? []);
      }
    };
    walk(dashboard.panels);
  }
  return out;
}
