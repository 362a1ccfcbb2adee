// The operator's entry point. Wires only: configuration, clients, informers, the controller, leader
// election, Events, metrics and probes, and the shutdown order (docs/controller.md).
//   hello-operator [run] [flags]    reconcile HelloServices (the default)
//   hello-operator render ...       print the children of HelloService files (no cluster)
import { hostname } from 'node:os';
import { Watch } from '@kubernetes/client-node';
import { ConfigError, HelpRequested, loadConfig, loadKubeConfig } from './config.ts';
import {
  Controller,
  createMetricsRegistry,
  EventRecorder,
  HealthChecks,
  LeaderElector,
  type Listening,
  leaderIdentity,
  leaseLock,
  onTerminationSignal,
  ping,
  runShutdown,
  startHealthServer,
  startMetricsServer,
} from './controller/index.ts';
import { restEventSink } from './kube/event-sink.ts';
import { KubeClient } from './kube/rest.ts';
import { createLogger } from './log.ts';
import { Applier } from './reconcile/apply.ts';
import { statusGauges } from './reconcile/metrics.ts';
import { serviceMonitorDiscovery } from './reconcile/monitoring.ts';
import { clusterChecks, readerOf } from './reconcile/reads.ts';
import { createReconciler } from './reconcile/reconcile.ts';
import { main as renderMain } from './render-cli.ts';
import { operatorSettings } from './resources/settings.ts';
import { createWatches, warnIfCrdMissing } from './watches.ts';

async function run(argv: string[]): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  let kc: ReturnType<typeof loadKubeConfig>;
  try {
    config = loadConfig({ argv });
    kc = loadKubeConfig(config);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(err.message);
      process.exit(0);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`hello-operator: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
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
    checks: clusterChecks(client),
    monitoring: serviceMonitorDiscovery(client),
    applier: new Applier(client, runtime),
    events,
    settings: operatorSettings({ workloadImage: config.workloadImage }),
    onStatus: statusGauges(registry),
  });
  controller = new Controller({
    name: 'helloservice',
    reconcile,
    log,
    metrics: runtime,
    concurrency: config.maxConcurrentReconciles,
  });
  const workers = controller;

  const synced = () => watches.informers.every((i) => i.hasSynced());
  let shuttingDown = false;
  const readyz = new HealthChecks()
    .add('informers-synced', synced)
    .add('not-shutting-down', () => !shuttingDown);
  const healthz = new HealthChecks()
    .add('ping', ping)
    .add('watches', () => watches.informers.every((i) => i.healthy()));
  const servers: Listening[] = [];
  if (config.metricsBindAddress)
    servers.push(await startMetricsServer(config.metricsBindAddress, registry, log));
  if (config.healthProbeBindAddress) {
    servers.push(await startHealthServer(config.healthProbeBindAddress, { healthz, readyz }, log));
  }

  await warnIfCrdMissing(client, log);
  for (const informer of watches.informers) void informer.start();
  const startControllers = async () => {
    await Promise.all(watches.informers.map((i) => i.waitForSync()));
    if (!shuttingDown) workers.start();
  };
  let elector: LeaderElector | undefined;
  if (config.leaderElection.enabled) {
    const le = config.leaderElection;
    elector = new LeaderElector({
      lock: leaseLock(client, le.leaseNamespace, le.leaseName),
      identity,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      log,
      metrics: runtime,
      onStartedLeading: () => void startControllers(),
      onStoppedLeading: () => {
        workers.abort('leadership lost');
        log.fatal('lost leadership; exiting so that a restart starts clean');
        process.exit(1);
      },
    });
    elector.start();
  } else {
    log.info('leader election off: reconciling at once');
    void startControllers();
  }

  const shutdown = async () => {
    shuttingDown = true;
    const clean = await runShutdown(
      [
        {
          name: 'stop controllers',
          timeoutMs: config.gracefulShutdownTimeoutMs + 1000,
          run: async () => {
            // Reconciles still running at the deadline were aborted: not a clean stop.
            if (!(await workers.stop(config.gracefulShutdownTimeoutMs))) {
              throw new Error('reconciles in flight at the deadline were aborted');
            }
          },
        },
        { name: 'release lease', timeoutMs: 5000, run: () => elector?.stop() },
        { name: 'flush events', timeoutMs: 3000, run: () => events.stop() },
        {
          name: 'stop informers',
          timeoutMs: 3000,
          run: () => Promise.all(watches.informers.map((i) => i.stop())),
        },
        { name: 'close servers', timeoutMs: 2000, run: () => Promise.all(servers.map((s) => s.close())) },
      ],
      log,
    );
    log.info({ clean }, 'stopped');
    process.exit(0);
  };
  onTerminationSignal(
    () => void shutdown(),
    (signal) => {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    },
  );
  log.info(
    {
      namespaces: config.namespaces.length ? config.namespaces : 'all',
      leaderElection: config.leaderElection.enabled,
    },
    'hello-operator started',
  );
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'render') {
  process.exitCode = renderMain(rest);
} else if (command === 'run') {
  await run(rest);
} else {
  await run(process.argv.slice(2));
}
