import { describe, expect, it } from 'vitest';
import { prefersJson } from './accept.ts';

describe('prefersJson', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['text/plain', false],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['application/json', true],
    ['Application/JSON', true],
    ['application/json, */*', true],
    ['application/json;q=0.9, text/plain', false],
    ['text/plain;q=0.5, application/json', true],
    ['application/json;q=0', false],
    ['text/*;q=0.1, application/json;q=0.2', true],
    ['application/problem+json', false],
  ])('Accept %j → JSON %s', (accept, json) => {
    expect(prefersJson(accept)).toBe(json);
  });
});
