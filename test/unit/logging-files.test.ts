// The Grafana files of deploy/logging and the example routing of deploy/monitoring/alertmanager.yaml,
// checked without a cluster: what Grafana and Alertmanager would refuse or silently ignore. Whether
// the store accepts every panel's query, and Alertmanager the routing, the cluster tests check
// (test/logging.test.ts, test/alerting.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dashboardLogsQueries, datasource, logsDashboard } from '../logging/files.ts';
import { alerts, monitoringDir } from '../monitoring/files.ts';

describe('deploy/logging Grafana files', () => {
  it('the datasource is the VictoriaLogs plugin, pointing at the store Service the kustomization installs', () => {
    expect(datasource()).toMatchObject({
      type: 'victoriametrics-logs-datasource',
      url: 'http://victoria-logs.hello-logging.svc:9428',
    });
  });

  it('every panel and query of the dashboard uses that datasource, and every variable it uses is defined', () => {
    const { uid, type } = datasource();
    const dashboard = logsDashboard();
    const variables = new Set(dashboard.templating.list.map((v) => v.name));
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const panel of dashboard.panels) {
      expect(panel.datasource, panel.title).toEqual({ type, uid });
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) {
        expect(target.datasource, panel.title).toEqual({ type, uid });
        expect(['instant', 'stats', 'statsRange'], panel.title).toContain(target.queryType);
        for (const [, name] of target.expr.matchAll(/\$(\w+)/g))
          expect(variables, panel.title).toContain(name);
        // vlagent stores a line's msg as _msg: a filter on msg finds nothing.
        expect(target.expr, panel.title).not.toMatch(/(^|[\s(])msg:/);
      }
    }
  });

  it('fills the variables in every query', () => {
    for (const q of dashboardLogsQueries('shop', 'checkout')) {
      expect(q.expr, q.panel).not.toContain('$');
      expect(q.expr, q.panel).toContain('checkout');
    }
  });
});

describe('deploy/monitoring/alertmanager.yaml', () => {
  type Route = { receiver?: string; matchers?: string[]; routes?: Route[]; group_by?: string[] };
  const config = parse(readFileSync(join(monitoringDir, 'alertmanager.yaml'), 'utf8')) as {
    route: Route;
    receivers: { name: string }[];
  };

  it('routes every severity the alerts use to a receiver that exists, and groups by alert and namespace', () => {
    const names = new Set(config.receivers.map((r) => r.name));
    const routes = config.route.routes ?? [];
    for (const r of [config.route, ...routes]) expect(names).toContain(r.receiver);
    for (const severity of new Set(alerts().map((a) => a.labels?.severity))) {
      expect(
        routes.some((r) => r.matchers?.includes(`severity="${severity}"`)),
        String(severity),
      ).toBe(true);
    }
    expect(config.route.group_by).toEqual(['alertname', 'namespace']);
  });
});
