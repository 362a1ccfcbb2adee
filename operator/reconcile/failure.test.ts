import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ReconcileError } from '../controller/index.ts';
import { failureMessage, stuck } from './failure.ts';

describe('failureMessage', () => {
  it("uses the API server's Status message, not client-node's dump of body and headers", () => {
    const err = new ApiException(
      403,
      'PATCH /apis/apps/v1/namespaces/a/deployments/b: 403',
      { kind: 'Status', message: 'deployments.apps "b" is forbidden: User "x" cannot patch' },
      { 'audit-id': '123' },
    );
    expect(err.message).toContain('audit-id');
    expect(failureMessage(err)).toBe(
      'The API server refused a request (403): deployments.apps "b" is forbidden: User "x" cannot patch',
    );
  });

  it('keeps a ReconcileError message, and the first line of anything else', () => {
    expect(failureMessage(new ReconcileError('ChildConflict', 'A ConfigMap exists'))).toBe(
      'A ConfigMap exists',
    );
    expect(failureMessage(new Error('boom\nstack'))).toBe('boom');
    expect(failureMessage('text')).toBe('text');
  });
});

describe('stuck', () => {
  it.each([
    [new ReconcileError('ChildConflict', 'x'), true],
    [new ApiException(403, 'forbidden', {}, {}), true],
    [new ApiException(422, 'invalid', {}, {}), true],
    [new ApiException(409, 'conflict', {}, {}), false],
    [new ApiException(503, 'busy', {}, {}), false],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), false],
  ])('%s → %s', (err, want) => {
    expect(stuck(err)).toBe(want);
  });
});
