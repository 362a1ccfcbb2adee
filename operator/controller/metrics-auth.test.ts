import { describe, expect, it } from 'vitest';
import { type Reviews, ScrapeAuthorizer } from './metrics-auth.ts';

/** Reviews that know two tokens (`reader` may get /metrics, `other` may not) and count their calls. */
function fakeReviews() {
  const calls = { authenticate: 0, authorize: 0 };
  let failing = false;
  const reviews: Reviews = {
    async authenticate(token) {
      calls.authenticate++;
      if (failing) throw new Error('API server unreachable');
      return token === 'reader' || token === 'other'
        ? { username: `system:serviceaccount:ns:${token}` }
        : undefined;
    },
    async authorize(user, path) {
      calls.authorize++;
      return user.username.endsWith(':reader') && path === '/metrics';
    },
  };
  return { reviews, calls, fail: (on: boolean) => (failing = on) };
}

function authorizer(maxEntries = 8) {
  const fake = fakeReviews();
  let now = 0;
  const auth = new ScrapeAuthorizer(fake.reviews, { ttlMs: 30_000, maxEntries, now: () => now });
  return { auth, ...fake, tick: (ms: number) => (now += ms) };
}

describe('ScrapeAuthorizer', () => {
  it('answers 401 without a bearer token or for an unknown token, 403 without the right, 200 with it', async () => {
    const { auth } = authorizer();
    expect((await auth.check(undefined, '/metrics')).status).toBe(401);
    expect((await auth.check('Basic dXNlcjpwdw==', '/metrics')).status).toBe(401);
    expect((await auth.check('Bearer nobody', '/metrics')).status).toBe(401);
    expect(await auth.check('Bearer other', '/metrics')).toEqual({
      status: 403,
      reason: 'system:serviceaccount:ns:other may not get /metrics',
    });
    expect((await auth.check('Bearer reader', '/metrics')).status).toBe(200);
  });

  it('asks the API server once per token while its verdict is cached, again once it expired', async () => {
    const { auth, calls, tick } = authorizer();
    await Promise.all([auth.check('Bearer reader', '/metrics'), auth.check('Bearer reader', '/metrics')]);
    tick(15_000);
    await auth.check('Bearer reader', '/metrics');
    await auth.check('Bearer other', '/metrics');
    await auth.check('Bearer other', '/metrics');
    expect(calls).toEqual({ authenticate: 2, authorize: 2 });
    tick(15_000);
    expect((await auth.check('Bearer reader', '/metrics')).status).toBe(200);
    expect(calls).toEqual({ authenticate: 3, authorize: 3 });
  });

  it('keeps a bounded number of verdicts however many tokens arrive', async () => {
    const { auth, calls } = authorizer(2);
    await auth.check('Bearer reader', '/metrics');
    for (let i = 0; i < 100; i++) await auth.check(`Bearer random-${i}`, '/metrics');
    await auth.check('Bearer reader', '/metrics');
    // The reader's verdict was pushed out by the newer tokens: asked again.
    expect(calls.authenticate).toBe(102);
  });

  it('does not remember a failed review: the next scrape asks again', async () => {
    const { auth, calls, fail } = authorizer();
    fail(true);
    await expect(auth.check('Bearer reader', '/metrics')).rejects.toThrow('unreachable');
    fail(false);
    expect((await auth.check('Bearer reader', '/metrics')).status).toBe(200);
    expect(calls.authenticate).toBe(2);
  });
});
