import { describe, expect, it } from 'vitest';
import { microTime, rfc3339 } from './time.ts';

describe('API times', () => {
  const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  it('metav1.Time is to the second', () => expect(rfc3339(at)).toBe('2026-01-02T03:04:05Z'));
  it('metav1.MicroTime has six fractional digits', () =>
    expect(microTime(at)).toBe('2026-01-02T03:04:05.678000Z'));
});
