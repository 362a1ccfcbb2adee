// Errors and the error policy. Reconcile throws; the policy alone decides whether and when the
// key is retried, so reconcile code never reasons about backoff.
import { httpStatus } from '../kube/api-errors.ts';
import { DEFAULT_BACKOFF_CAP_MS } from './backoff.ts';

export { httpStatus };

export type ReconcileErrorOptions = {
  cause?: unknown;
  /** The input is wrong and retrying cannot help; wait for the object to change. */
  permanent?: boolean;
  /** Retry after this long instead of the usual backoff. */
  retryAfterMs?: number;
};

/**
 * An error a reconcile throws on purpose. `reason` is CamelCase and is reused verbatim as the
 * condition reason, the Event reason and a log field.
 */
export class ReconcileError extends Error {
  readonly reason: string;
  readonly permanent: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(reason: string, message: string, options: ReconcileErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReconcileError';
    this.reason = reason;
    this.permanent = options.permanent ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type ErrorDecision = {
  /** CamelCase reason for logs, Events and conditions. */
  reason: string;
  /** backoff: per-key exponential backoff; after: fixed delay; never: wait for a change. */
  retry: 'backoff' | 'after' | 'never';
  afterMs?: number;
  /** Counted in controller_runtime_terminal_reconcile_errors_total. */
  terminal: boolean;
  /** Expected errors (an optimistic-concurrency conflict) are not worth an error log line. */
  logLevel: LogLevel;
};

export type ErrorPolicy = (err: unknown) => ErrorDecision;

export type ErrorPolicyOptions = {
  /** Delay for errors that a person, not time, fixes but not by editing the object (RBAC). */
  slowRetryMs?: number;
};

const CAMEL_CASE = /^[A-Z][A-Za-z0-9]*$/;

// Reasons the API server puts in a Status for a status code, when its body does not say.
const STATUS_REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

// Connection-level failures: the API server is unreachable, not the request wrong.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

type Loose = Record<string, unknown>;

function asRecord(v: unknown): Loose | undefined {
  return typeof v === 'object' && v !== null ? (v as Loose) : undefined;
}

/** The `reason` of the Kubernetes Status in an API error body (a string or parsed). */
function statusReason(err: unknown): string | undefined {
  let body = asRecord(err)?.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const reason = asRecord(body)?.reason;
  return typeof reason === 'string' && CAMEL_CASE.test(reason) ? reason : undefined;
}

function retryAfterHeaderMs(err: unknown): number | undefined {
  const headers = asRecord(asRecord(err)?.headers);
  const value = headers?.['retry-after'] ?? headers?.['Retry-After'];
  const seconds = Number(value);
  return typeof value === 'string' && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 5; depth++) {
    const code = asRecord(e)?.code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('UND_ERR_'))) return true;
    e = asRecord(e)?.cause;
  }
  return false;
}

/** A CamelCase reason for any error. */
export function errorReason(err: unknown): string {
  if (err instanceof ReconcileError) return err.reason;
  const status = httpStatus(err);
  if (status !== undefined) return statusReason(err) ?? STATUS_REASONS[status] ?? `HTTP${status}`;
  if (isNetworkError(err)) return 'APIServerUnreachable';
  const reason = asRecord(err)?.reason;
  if (typeof reason === 'string' && CAMEL_CASE.test(reason)) return reason;
  return 'ReconcileFailed';
}

/**
 * The default policy:
 * - ReconcileError: permanent → never; retryAfterMs → after; otherwise backoff.
 * - 409 Conflict (stale read): backoff, which starts at 5 ms, so it is retried at once; logged at info.
 * - 429 / 503 with Retry-After: after that delay; other 429, 5xx, network errors: backoff.
 * - 400 / 422 (the object is invalid as written): never; the next change of the object enqueues it.
 * - 401 / 403 / 404 (RBAC, a missing CRD or namespace: fixed by a person elsewhere): a slow retry.
 * - anything else (a bug): backoff.
 */
export function createErrorPolicy(options: ErrorPolicyOptions = {}): ErrorPolicy {
  const slowRetryMs = options.slowRetryMs ?? DEFAULT_BACKOFF_CAP_MS;
  return (err) => {
    const reason = errorReason(err);
    if (err instanceof ReconcileError) {
      if (err.permanent) return { reason, retry: 'never', terminal: true, logLevel: 'error' };
      if (err.retryAfterMs !== undefined) {
        return { reason, retry: 'after', afterMs: err.retryAfterMs, terminal: false, logLevel: 'error' };
      }
      return { reason, retry: 'backoff', terminal: false, logLevel: 'error' };
    }
    const status = httpStatus(err);
    if (status === 409) return { reason, retry: 'backoff', terminal: false, logLevel: 'info' };
    if (status === 429 || status === 503) {
      const afterMs = retryAfterHeaderMs(err);
      if (afterMs !== undefined)
        return { reason, retry: 'after', afterMs, terminal: false, logLevel: 'warn' };
      return { reason, retry: 'backoff', terminal: false, logLevel: 'warn' };
    }
    if (status === 400 || status === 422)
      return { reason, retry: 'never', terminal: true, logLevel: 'error' };
    if (status === 401 || status === 403 || status === 404) {
      return { reason, retry: 'after', afterMs: slowRetryMs, terminal: false, logLevel: 'error' };
    }
    return { reason, retry: 'backoff', terminal: false, logLevel: 'error' };
  };
}
