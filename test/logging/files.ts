// The logging manifests as the tests read them: the Grafana datasource and every panel query of the
// logs dashboard with its variables filled in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../cluster/paths.ts';

export const loggingDir = join(repoRoot, 'deploy', 'logging');

export type Datasource = { name: string; type: string; uid: string; url: string };
export type LogsPanel = {
  title: string;
  type: string;
  datasource?: { type: string; uid: string };
  targets: { expr: string; queryType: string; datasource?: { type: string; uid: string } }[];
};
export type LogsDashboard = {
  title: string;
  uid: string;
  panels: LogsPanel[];
  templating: { list: { name: string }[] };
};

export function datasource(): Datasource {
  const file = parse(readFileSync(join(loggingDir, 'grafana', 'datasource.yaml'), 'utf8')) as {
    datasources: Datasource[];
  };
  const [ds] = file.datasources;
  if (!ds) throw new Error('no datasource in grafana/datasource.yaml');
  return ds;
}

export function logsDashboard(): LogsDashboard {
  return JSON.parse(
    readFileSync(join(loggingDir, 'grafana', 'logs-dashboard.json'), 'utf8'),
  ) as LogsDashboard;
}

/** Every panel query, as the store receives it from Grafana for one HelloService. */
export function dashboardLogsQueries(
  namespace: string,
  helloService: string,
): { panel: string; expr: string }[] {
  return logsDashboard().panels.flatMap((p) =>
    p.targets.map((t) => ({
      panel: p.title,
      expr: t.expr.replaceAll('$namespace', namespace).replaceAll('$helloservice', helloService),
    })),
  );
}
