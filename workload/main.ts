// Wires the workload together; the logic lives in the modules it imports.
import { hostname } from 'node:os';
import { ConfigError, describeConfig, parseConfig, type WorkloadConfig } from './config.ts';
import { Connections } from './connections.ts';
import { Lifecycle } from './lifecycle.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { prepareMessageResponses } from './responses.ts';
import { ScratchStore } from './scratch-store.ts';
import { createWorkloadServer } from './server.ts';
import { installShutdown } from './shutdown.ts';
import { BUILD_VERSION } from './version.ts';

/**
 * Every start-up failure ends here: one plain line on stderr naming the setting and the cause, so
 * that `kubectl logs --previous` and a terminal show why, whatever LOG_LEVEL says (and the logger
 * may not exist yet: LOG_LEVEL may be the bad setting).
 */
function failStartup(line: string): never {
  process.stderr.write(`hello-workload: ${line.replaceAll('\n', ' ')}\n`);
  process.exit(1);
}

function loadConfig(): WorkloadConfig {
  try {
    return parseConfig(process.env, BUILD_VERSION);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    failStartup(err.message);
  }
}

const config = loadConfig();
const logger = createLogger(config.logLevel);
process.on('uncaughtException', (err) => {
  logger.fatal({ err }, 'uncaught exception');
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  logger.fatal({ err }, 'unhandled rejection');
  process.exit(1);
});

const lifecycle = new Lifecycle();
const metrics = createMetrics();
let scratch: ScratchStore | undefined;
const server = createWorkloadServer({
  responses: prepareMessageResponses(config.message, hostname(), config.version),
  lifecycle,
  metrics,
  logger,
  scratch: () => scratch,
  workMaxMs: config.workMaxMs,
  workMaxConcurrent: config.workMaxConcurrent,
  scratchMaxBytesInFlight: config.scratchMaxBytesInFlight,
  headersTimeoutMs: config.httpHeadersTimeoutMs,
  requestTimeoutMs: config.httpRequestTimeoutMs,
});
const connections = new Connections(server, {
  maxConnections: config.httpMaxConnections,
  silentTimeoutMs: config.httpHeadersTimeoutMs,
});
installShutdown({
  server,
  connections,
  lifecycle,
  logger,
  drainMs: config.drainMs,
  timeoutMs: config.shutdownTimeoutMs,
  cleanup: async () => scratch?.destroy(),
});

server.on('error', (err: NodeJS.ErrnoException) => {
  logger.fatal({ err, setting: 'PORT', port: config.port }, 'cannot listen');
  const hint =
    err.code === 'EACCES' && config.port < 1024
      ? ' (ports below 1024 need root or CAP_NET_BIND_SERVICE, which the workload runs without)'
      : '';
  failStartup(`cannot listen on PORT=${config.port}: ${err.message}${hint}`);
});
server.listen(config.port, () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info({ port, config: describeConfig(config) }, 'listening; not ready until start-up is done');
});

// Readiness waits for proof that TMPDIR is usable: a pod without it would fail requests later.
try {
  scratch = await ScratchStore.open(
    config.tmpDir,
    {
      maxItemBytes: config.scratchMaxItemBytes,
      maxTotalBytes: config.scratchMaxTotalBytes,
      maxItems: config.scratchMaxItems,
      volumeBytes: config.scratchVolumeBytes,
    },
    { onUsage: metrics.setScratchUsage, onEvict: metrics.countScratchEviction },
  );
} catch (err) {
  logger.fatal({ err, setting: 'TMPDIR', tmpDir: config.tmpDir }, 'TMPDIR is not writable');
  failStartup(`TMPDIR=${JSON.stringify(config.tmpDir)} is not writable: ${(err as Error).message}`);
}
if (lifecycle.phase === 'starting') {
  lifecycle.phase = 'ready';
  logger.info({ scratchDir: scratch.dir }, 'ready');
}
