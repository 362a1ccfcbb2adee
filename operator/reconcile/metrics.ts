// The HelloServices' own gauges, from each status the reconciler computes; every series goes away
// with its HelloService:
// - hello_operator_helloservice_ready{namespace,name}: 1 when Ready, 0 when not. Alert on it rather
//   than on the conditions.
// - hello_operator_helloservice_replicas / _ready_replicas / _max_replicas{namespace,name}: the
//   status's replica counts and, with autoscaling, the autoscaler's ceiling, so that "pinned at its
//   maximum" and the dashboards need nothing but the operator (no kube-state-metrics).
import { Gauge, type Registry } from 'prom-client';
import { parseKey } from '../controller/index.ts';
import type { KubeObject } from '../kube/rest.ts';
import type { ReconcilerDeps } from './deps.ts';
import { condition } from './status.ts';

export function statusGauges(registry: Registry): NonNullable<ReconcilerDeps['onStatus']> {
  const gauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['namespace', 'name'], registers: [registry] });
  const isReady = gauge(
    'hello_operator_helloservice_ready',
    'Whether the HelloService is Ready (1) or not (0)',
  );
  const wanted = gauge(
    'hello_operator_helloservice_replicas',
    'Pods the Deployment of the HelloService wants',
  );
  const ready = gauge(
    'hello_operator_helloservice_ready_replicas',
    'Pods of the HelloService that are ready',
  );
  const max = gauge(
    'hello_operator_helloservice_max_replicas',
    'The most replicas the autoscaler of the HelloService may create (only with spec.autoscaling)',
  );
  const set = (g: Gauge<'namespace' | 'name'>, labels: { namespace: string; name: string }, v?: number) => {
    if (v === undefined) g.remove(labels);
    else g.set(labels, v);
  };
  return (key, status, live) => {
    const { namespace = '', name } = parseKey(key);
    const labels = { namespace, name };
    const gone = status === undefined;
    set(isReady, labels, gone ? undefined : condition(status, 'Ready')?.status === 'True' ? 1 : 0);
    set(wanted, labels, status?.replicas);
    set(ready, labels, gone ? undefined : (status.readyReplicas ?? 0));
    set(max, labels, gone ? undefined : maxReplicas(live));
  };
}

/** spec.autoscaling.maxReplicas as the HelloService holds it (a number, or nothing). */
function maxReplicas(live: KubeObject | undefined): number | undefined {
  const spec = live?.spec as { autoscaling?: { maxReplicas?: unknown } } | undefined;
  const max = spec?.autoscaling?.maxReplicas;
  return typeof max === 'number' ? max : undefined;
}
