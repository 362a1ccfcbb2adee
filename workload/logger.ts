// JSON logs to stdout, one object a line. Level names (not numbers) and ISO times so that a
// person reading `kubectl logs` and a log pipeline both understand them without a mapping.
// No transports: they load worker files at run time, which a single-file bundle cannot carry.
import { type Logger, pino } from 'pino';
import type { LogLevel } from './config.ts';

export function createLogger(level: LogLevel): Logger {
  return pino({
    name: 'hello-workload',
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
