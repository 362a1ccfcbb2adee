// hello_operator_helloservice_ready{namespace,name}: 1 when the HelloService is Ready, 0 when not;
// the series goes away with the HelloService. Alert on it rather than on the conditions.
import { Gauge, type Registry } from 'prom-client';
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
