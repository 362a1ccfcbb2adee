// The operator's entry point. Wires only: configuration, clients, informers, the reconciler, the
// controller and the Manager, which owns the start and shutdown order (controller/manager.ts).
//   hello-operator [run] [flags]    reconcile HelloServices (the default)
//   hello-operator render ...       print the children of HelloService files (no cluster)
import { hostname } from 'node:os';
import { Watch } from '@kubernetes/client-node';
import { ConfigError, HelpRequested, listenProblem, loadConfig, loadKubeConfig } from './config.ts';
import {
  apiServerReviews,
  Controller,
  createMetricsRegistry,
  EventRecorder,
  LeaderElector,
  leaderIdentity,
  leaseLock,
  Manager,
  type MetricsSecurity,
  metricsTls,
  ScrapeAuthorizer,
  startHealthServer,
  startMetricsServer,
} from './controller/index.ts';
import { restEventSink } from './kube/event-sink.ts';
import { KubeClient } from './kube/rest.ts';
import { createLogger } from './log.ts';
import { Applier } from './reconcile/apply.ts';
import { statusGauges } from './reconcile/metrics.ts';
import { clusterChecks, discovery, listerOf, readerOf } from './reconcile/reads.ts';
import { createReconciler } from './reconcile/shell.ts';
import { main as renderMain } from './render-cli.ts';
import { operatorSettings } from './resources/settings.ts';
import { createWatches, warnIfCrdMissing } from './watches.ts';

/** The exit asked for: --help prints the usage and exits 0; a setting that cannot work exits 2. */
function exitForStartError(err: unknown): never {
  if (err instanceof HelpRequested) process.stdout.write(err.message);
  else if (err instanceof ConfigError) process.stderr.write(`hello-operator: ${err.message}\n`);
  else throw err;
  process.exit(err instanceof HelpRequested ? 0 : 2);
}

function configOrExit(argv: string[]) {
  try {
    const config = loadConfig({ argv });
    return { config, kc: loadKubeConfig(config) };
  } catch (err) {
    exitForStartError(err);
  }
}

async function run(argv: string[]): Promise<void> {
  const { config, kc } = configOrExit(argv);
  const log = createLogger({ level: config.logLevel });
  const { registry, runtime } = createMetricsRegistry();
  const client = new KubeClient(kc, (method, code, seconds) => runtime.apiRequest(method, code, seconds));
  const identity = leaderIdentity(hostname());

  // Informer handlers run only once the informers start, after the controller exists.
  let controller: Controller | undefined;
  const watches = createWatches({
    client,
    watch: new Watch(kc),
    namespaces: config.namespaces,
    log,
    metrics: runtime,
    resyncPeriodMs: config.syncPeriodMs,
    enqueue: (key, urgent) => controller?.enqueue(key, urgent),
  });
  const events = new EventRecorder({
    sink: restEventSink(client),
    reportingController: 'hello.operators.dev/hello-operator',
    reportingInstance: identity.slice(0, 128),
    log,
  });
  const reconcile = createReconciler({
    helloServices: watches.helloServices,
    children: watches.children,
    read: readerOf(client),
    list: listerOf(client),
    served: discovery(client),
    checks: clusterChecks(client),
    writer: new Applier(client, runtime),
    events,
    settings: operatorSettings({
      workloadImage: config.workloadImage,
      imagePullPolicy: config.workloadImagePullPolicy,
      imagePullSecrets: config.workloadImagePullSecrets,
      extraLabels: config.extraLabels,
    }),
    onStatus: statusGauges(registry),
  });
  controller = new Controller({
    name: 'helloservice',
    reconcile,
    log,
    metrics: runtime,
    concurrency: config.maxConcurrentReconciles,
  });

  const { metricsBindAddress: metricsAddress, healthProbeBindAddress: healthAddress } = config;
  // Unreadable certificate files stop the start, naming --metrics-cert-dir.
  const metricsSecurity: MetricsSecurity | undefined =
    metricsAddress && config.metricsSecure
      ? {
          tls: await metricsTls(config.metricsCertDir).catch(exitForStartError),
          authorizer: new ScrapeAuthorizer(apiServerReviews(client)),
        }
      : undefined;
  const { enabled: leaderElection, leaseNamespace, leaseName, ...leaseTiming } = config.leaderElection;
  const manager = new Manager({
    log,
    informers: watches.informers,
    controller,
    events,
    elector: leaderElection
      ? (callbacks) =>
          new LeaderElector({
            lock: leaseLock(client, leaseNamespace, leaseName),
            identity,
            ...leaseTiming,
            log,
            metrics: runtime,
            ...callbacks,
          })
      : undefined,
    metricsServer:
      metricsAddress &&
      (() =>
        startMetricsServer(metricsAddress, registry, log, metricsSecurity).catch((err: unknown) => {
          throw listenProblem('metricsBindAddress', metricsAddress, err);
        })),
    healthServer:
      healthAddress &&
      ((probes) =>
        startHealthServer(healthAddress, probes, log).catch((err: unknown) => {
          throw listenProblem('healthProbeBindAddress', healthAddress, err);
        })),
    preflight: () => warnIfCrdMissing(client, log),
    gracefulShutdownTimeoutMs: config.gracefulShutdownTimeoutMs,
  });
  // A bind address that cannot be listened on is a ConfigError (listenProblem).
  await manager.start().catch(exitForStartError);
  const namespaces = config.namespaces.length ? config.namespaces : 'all';
  log.info(
    { namespaces, leaderElection, metricsSecure: metricsSecurity !== undefined },
    'hello-operator started',
  );
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'render') process.exitCode = renderMain(rest);
else await run(command === 'run' ? rest : process.argv.slice(2));
