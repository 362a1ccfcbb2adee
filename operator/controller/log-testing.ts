// Test helper: a pino logger whose JSON lines are kept in memory.
import { type Logger, pino } from 'pino';

export type LogLine = Record<string, unknown> & { msg?: string; level: number };

export function memoryLogger(level = 'debug'): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level }, { write: (s: string) => lines.push(JSON.parse(s) as LogLine) });
  return { log, lines };
}
