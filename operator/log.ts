// The operator's logger: pino JSON lines on stdout, one object per line, for the cluster's log
// pipeline. Levels are written as names ("info") so people can grep and collectors can map them.
import { hostname } from 'node:os';
import { type DestinationStream, type Logger, pino } from 'pino';
import pkg from '../package.json' with { type: 'json' };
import type { LogLevelName } from './config.ts';

export type { Logger } from 'pino';

export type LoggerOptions = {
  level: LogLevelName;
  /** Fields on every line besides pid and hostname. */
  base?: Record<string, unknown>;
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
};

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { pid: process.pid, hostname: hostname(), version: pkg.version, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
