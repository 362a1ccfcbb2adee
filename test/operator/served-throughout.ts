// What the tests that change something under a steady load through the Ingress check at the end.
import { expect } from 'vitest';
import { failures, type Sample } from '../e2e/load.ts';
import { parseServed } from '../e2e/message-rollout.ts';

/**
 * The load ran (over 100 requests), none failed, and each answer (JSON: the workload says what it
 * served) carried one of `messages`.
 */
export function expectServedThroughout(samples: Sample[], messages: string[]): void {
  expect(samples.length).toBeGreaterThan(100);
  expect(failures(samples)).toEqual([]);
  const served = new Set(samples.map((s) => parseServed(s.body)?.message));
  expect([...served].filter((m) => !messages.includes(m ?? ''))).toEqual([]);
}
