// The workload's whole configuration, read once from the environment at start.
// Rule: an unset variable takes its default; a set one (even empty) must be valid, because an
// empty value is almost always a templating mistake that a default would hide.

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface WorkloadConfig {
  port: number;
  message: string;
  tmpDir: string;
  logLevel: LogLevel;
  /** How long to keep serving after SIGTERM so that endpoints can stop sending traffic. */
  drainMs: number;
  /** From the signal: the process exits by then even if connections are still open. */
  shutdownTimeoutMs: number;
  scratchMaxItemBytes: number;
  scratchMaxTotalBytes: number;
  /** The size of the volume under TMPDIR (the emptyDir's sizeLimit), when known. */
  scratchVolumeBytes: number | undefined;
  scratchMaxItems: number;
  /** Bytes of POST /scratch bodies being received at once; more uploads are refused (429). */
  scratchMaxBytesInFlight: number;
  /** Connections held at once; a new one past it closes the one idle longest. */
  httpMaxConnections: number;
  /** From a request's first byte to its last header; also how long a new connection may stay silent. */
  httpHeadersTimeoutMs: number;
  /** From a request's first byte to the last byte of its body. */
  httpRequestTimeoutMs: number;
  workMaxMs: number;
  /** /work burns running at once; 0 turns /work off. */
  workMaxConcurrent: number;
  version: string;
}

export const DEFAULT_MESSAGE = 'Hello, world!\n';
/** The most WORK_MAX_CONCURRENT may be: burns share one core, so each of 32 takes 32 times as long. */
export const MAX_WORK_CONCURRENT = 32;

export class ConfigError extends Error {
  readonly setting: string;
  constructor(setting: string, value: string, expected: string) {
    super(`invalid ${setting}=${JSON.stringify(truncate(value))}: ${expected}`);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses and validates the environment; throws ConfigError naming the first bad setting. */
export function parseConfig(env: Env, fallbackVersion = 'dev'): WorkloadConfig {
  const drainMs = seconds(env, 'SHUTDOWN_DRAIN_SECONDS', 5);
  const shutdownTimeoutMs = seconds(env, 'SHUTDOWN_TIMEOUT_SECONDS', 20);
  if (shutdownTimeoutMs <= drainMs) {
    throw new ConfigError(
      'SHUTDOWN_TIMEOUT_SECONDS',
      String(shutdownTimeoutMs / 1000),
      `must be greater than SHUTDOWN_DRAIN_SECONDS (${drainMs / 1000})`,
    );
  }
  // The operator passes the emptyDir's sizeLimit: scratch then keeps what fits there, not 16 MiB.
  const scratchVolumeBytes =
    env.SCRATCH_VOLUME_BYTES === undefined
      ? undefined
      : integer(env, 'SCRATCH_VOLUME_BYTES', 0, 1, Number.MAX_SAFE_INTEGER);
  const scratchMaxTotalBytes = integer(
    env,
    'SCRATCH_MAX_TOTAL_BYTES',
    scratchVolumeBytes ?? 16 * 1024 * 1024,
    1,
    Number.MAX_SAFE_INTEGER,
  );
  const scratchMaxItemBytes = integer(
    env,
    'SCRATCH_MAX_ITEM_BYTES',
    Math.min(64 * 1024, scratchMaxTotalBytes),
    1,
    2 ** 30,
  );
  requireAtLeast(
    'SCRATCH_MAX_TOTAL_BYTES',
    scratchMaxTotalBytes,
    'SCRATCH_MAX_ITEM_BYTES',
    scratchMaxItemBytes,
  );
  // Uploads are held in memory until written: 64 largest items at once by default.
  const scratchMaxBytesInFlight = integer(env, 'SCRATCH_MAX_BYTES_IN_FLIGHT', 4 * 1024 * 1024, 1, 2 ** 30);
  requireAtLeast(
    'SCRATCH_MAX_BYTES_IN_FLIGHT',
    scratchMaxBytesInFlight,
    'SCRATCH_MAX_ITEM_BYTES',
    scratchMaxItemBytes,
  );
  const httpHeadersTimeoutMs = seconds(env, 'HTTP_HEADERS_TIMEOUT_SECONDS', 10, false);
  const httpRequestTimeoutMs = seconds(env, 'HTTP_REQUEST_TIMEOUT_SECONDS', 30, false);
  requireAtLeast(
    'HTTP_REQUEST_TIMEOUT_SECONDS',
    httpRequestTimeoutMs / 1000,
    'HTTP_HEADERS_TIMEOUT_SECONDS',
    httpHeadersTimeoutMs / 1000,
  );
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    message: nonEmpty(env, 'MESSAGES', DEFAULT_MESSAGE),
    tmpDir: absolutePath(env, 'TMPDIR', '/tmp'),
    logLevel: logLevel(env),
    drainMs,
    shutdownTimeoutMs,
    scratchMaxItemBytes,
    scratchMaxTotalBytes,
    scratchVolumeBytes,
    scratchMaxItems: integer(env, 'SCRATCH_MAX_ITEMS', 1024, 1, 1_000_000),
    scratchMaxBytesInFlight,
    // About 10 KiB each when idle, 26 KiB with a full 16 KiB of headers: well under the memory limit.
    httpMaxConnections: integer(env, 'HTTP_MAX_CONNECTIONS', 1000, 1, 100_000),
    httpHeadersTimeoutMs,
    httpRequestTimeoutMs,
    workMaxMs: integer(env, 'WORK_MAX_MS', 1000, 1, 60_000),
    // Off by default: anyone who reaches the port could otherwise burn the pod's CPU.
    workMaxConcurrent: integer(env, 'WORK_MAX_CONCURRENT', 0, 0, MAX_WORK_CONCURRENT),
    version: nonEmpty(env, 'VERSION', fallbackVersion),
  };
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(name, raw, `must be an integer from ${min} to ${max}`);
  }
  return n;
}

/** Seconds as a non-negative decimal (so tests and tight pods can use 0.5), returned in ms. */
function seconds(env: Env, name: string, fallbackSeconds: number, zeroAllowed = true): number {
  const raw = env[name];
  if (raw === undefined) return fallbackSeconds * 1000;
  const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n) || n > 3600 || (!zeroAllowed && n === 0)) {
    const from = zeroAllowed ? 'from 0' : 'above 0';
    throw new ConfigError(name, raw, `must be a number of seconds ${from} to 3600`);
  }
  return Math.round(n * 1000);
}

/** Refuses a setting smaller than another one it must hold. */
function requireAtLeast(name: string, value: number, otherName: string, other: number): void {
  if (value < other) throw new ConfigError(name, String(value), `must be at least ${otherName} (${other})`);
}

function nonEmpty(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined) return fallback;
  if (raw === '') throw new ConfigError(name, raw, 'must not be empty when set');
  return raw;
}

function absolutePath(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined) return fallback;
  if (!raw.startsWith('/')) throw new ConfigError(name, raw, 'must be an absolute path');
  return raw;
}

function logLevel(env: Env): LogLevel {
  const raw = env.LOG_LEVEL;
  if (raw === undefined) return 'info';
  const level = LOG_LEVELS.find((l) => l === raw.toLowerCase());
  if (level === undefined) throw new ConfigError('LOG_LEVEL', raw, `must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** What start-up logs: everything but the message text itself, which may be large. */
export function describeConfig(c: WorkloadConfig): Record<string, unknown> {
  const { message, ...rest } = c;
  return { ...rest, messageBytes: Buffer.byteLength(message) };
}
