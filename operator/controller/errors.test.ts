import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createErrorPolicy, errorReason, httpStatus, ReconcileError } from './errors.ts';

const policy = createErrorPolicy({ slowRetryMs: 60_000 });

function apiError(code: number, body: unknown = '', headers: Record<string, string> = {}) {
  return new ApiException(code, 'failed', body, headers);
}

describe('errorReason', () => {
  it('uses the reason a ReconcileError carries', () => {
    expect(errorReason(new ReconcileError('IngressClassNotFound', 'no class "x"'))).toBe(
      'IngressClassNotFound',
    );
  });

  it('uses the Status reason of an API error body, parsed or not', () => {
    expect(errorReason(apiError(422, JSON.stringify({ kind: 'Status', reason: 'Invalid' })))).toBe('Invalid');
    expect(errorReason(apiError(409, { kind: 'Status', reason: 'AlreadyExists' }))).toBe('AlreadyExists');
  });

  it('falls back to the reason of the status code', () => {
    expect(errorReason(apiError(409, 'not json'))).toBe('Conflict');
    expect(errorReason(apiError(418))).toBe('HTTP418');
  });

  it('names network failures, also when wrapped', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(errorReason(new Error('fetch failed', { cause: refused }))).toBe('APIServerUnreachable');
  });

  it('gives a generic reason for anything else', () => {
    expect(errorReason(new TypeError('x is undefined'))).toBe('ReconcileFailed');
    expect(errorReason('a string')).toBe('ReconcileFailed');
  });
});

describe('httpStatus', () => {
  it('reads client-node ApiException codes and ignores non-HTTP codes', () => {
    expect(httpStatus(apiError(404))).toBe(404);
    expect(httpStatus(Object.assign(new Error(), { code: 'ECONNRESET' }))).toBeUndefined();
  });
});

describe('default error policy', () => {
  it('retries a conflict at once with backoff, without an error log', () => {
    expect(policy(apiError(409))).toEqual({
      reason: 'Conflict',
      retry: 'backoff',
      terminal: false,
      logLevel: 'info',
    });
  });

  it('does not retry an object the API server rejects as invalid', () => {
    expect(policy(apiError(422))).toMatchObject({ retry: 'never', terminal: true, reason: 'Invalid' });
    expect(policy(apiError(400))).toMatchObject({ retry: 'never', terminal: true });
  });

  it('retries RBAC and missing-resource errors slowly', () => {
    for (const code of [401, 403, 404]) {
      expect(policy(apiError(code))).toMatchObject({ retry: 'after', afterMs: 60_000, terminal: false });
    }
  });

  it('honours Retry-After on throttling, else backs off', () => {
    expect(policy(apiError(429, '', { 'retry-after': '3' }))).toMatchObject({
      retry: 'after',
      afterMs: 3000,
    });
    expect(policy(apiError(429))).toMatchObject({ retry: 'backoff', reason: 'TooManyRequests' });
  });

  it('backs off on server and network errors', () => {
    expect(policy(apiError(500))).toMatchObject({ retry: 'backoff', terminal: false });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(policy(reset)).toMatchObject({ retry: 'backoff', reason: 'APIServerUnreachable' });
  });

  it('follows what a ReconcileError asks for', () => {
    expect(policy(new ReconcileError('SpecInvalid', 'bad', { permanent: true }))).toMatchObject({
      retry: 'never',
      terminal: true,
      reason: 'SpecInvalid',
    });
    expect(policy(new ReconcileError('Waiting', 'later', { retryAfterMs: 2000 }))).toMatchObject({
      retry: 'after',
      afterMs: 2000,
    });
    expect(policy(new ReconcileError('ApplyFailed', 'x'))).toMatchObject({ retry: 'backoff' });
  });

  it('backs off on unexpected errors (bugs)', () => {
    expect(policy(new TypeError('boom'))).toMatchObject({ retry: 'backoff', reason: 'ReconcileFailed' });
  });
});
