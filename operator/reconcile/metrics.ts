// hello_operator_helloservice_ready{namespace,name}: 1 when the HelloService is Ready, 0 when not;
// the series goes away with the HelloService. Alert on it rather than on the conditions.
import { Gauge, type Registry } from 'prom-client';
import type { DefaultedHelloService, HelloServiceStatus } from '../api/types.ts';
import { parseKey } from '../controller/index.ts';

export function readyGauge(registry: Registry): (key: string, ready: boolean | undefined) => void {
  const gauge = new Gauge({
    name: 'hello_operator_helloservice_ready',
    help: 'Whether the HelloService is Ready (1) or not (0)',
    labelNames: ['namespace', 'name'],
    registers: [registry],
  });
  return (key, ready) => {
    const { namespace = '', name } = parseKey(key);
    if (ready === undefined) gauge.remove({ namespace, name });
    else gauge.set({ namespace, name }, ready ? 1 : 0);
  };
}

// hello_operator_helloservice_replicas / _ready_replicas / _max_replicas{namespace,name}: the status's
// replica counts and, with autoscaling, the autoscaler's ceiling, so that "pinned at its maximum" and
// the dashboards need nothing but the operator (no kube-state-metrics).
export function replicaGauges(
  registry: Registry,
): (key: string, status: HelloServiceStatus | undefined, hs?: DefaultedHelloService) => void {
  const gauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['namespace', 'name'], registers: [registry] });
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
  return (key, status, hs) => {
    const { namespace = '', name } = parseKey(key);
    const labels = { namespace, name };
    set(wanted, labels, status?.replicas);
    set(ready, labels, status === undefined ? undefined : (status.readyReplicas ?? 0));
    set(max, labels, status === undefined ? undefined : hs?.spec.autoscaling?.maxReplicas);
  };
}
