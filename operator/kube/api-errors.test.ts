import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { httpStatus, isConflict, isNotFound } from './api-errors.ts';

describe('API errors', () => {
  it.each([
    [new ApiException(404, 'not found', {}, {}), 404],
    [{ statusCode: 409 }, 409],
    [{ response: { status: 503 } }, 503],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), undefined],
    [{ code: 42 }, undefined],
    ['text', undefined],
  ])('httpStatus(%o) = %s', (err, status) => {
    expect(httpStatus(err)).toBe(status);
  });

  it('tells a 404 and a 409 from anything else', () => {
    expect(isNotFound(new ApiException(404, '', {}, {}))).toBe(true);
    expect(isNotFound(new ApiException(409, '', {}, {}))).toBe(false);
    expect(isConflict({ code: 409 })).toBe(true);
    expect(isConflict(new Error('409'))).toBe(false);
  });
});
