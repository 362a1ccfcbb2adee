// Wires the workload together; the logic lives in the modules it imports.
import { hostname } from 'node:os';
import { ConfigError, describeConfig, parseConfig, type WorkloadConfig } from './config.ts';
import { Lifecycle } from './lifecycle.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { prepareMessageResponses } from './responses.ts';
import { ScratchStore } from './scratch-store.ts';
import { createWorkloadServer } from './server.ts';
import { installShutdown } from './shutdown.ts';
import { BUILD_VERSION } from './version.ts';

function loadConfig(): WorkloadConfig {
  try {
    return parseConfig(process.env, BUILD_VERSION);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // One plain line on stderr: the logger is not configured yet (LOG_LEVEL may be the bad one).
    process.stderr.write(`hello-workload: ${err.message}\n`);
    process.exit(1);
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
});
installShutdown({
  server,
  lifecycle,
  logger,
  drainMs: config.drainMs,
  timeoutMs: config.shutdownTimeoutMs,
  cleanup: async () => scratch?.destroy(),
});

server.on('error', (err) => {
  logger.fatal({ err, setting: 'PORT', port: config.port }, 'cannot listen');
  process.exit(1);
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
    },
    { onUsage: metrics.setScratchUsage, onEvict: metrics.countScratchEviction },
  );
} catch (err) {
  logger.fatal({ err, setting: 'TMPDIR', tmpDir: config.tmpDir }, 'TMPDIR is not writable');
  process.exit(1);
}
if (lifecycle.phase === 'starting') {
  lifecycle.phase = 'ready';
  logger.info({ scratchDir: scratch.dir }, 'ready');
}
