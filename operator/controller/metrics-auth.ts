// Who may read /metrics (--metrics-secure), as controller-runtime's
// filters.WithAuthenticationAndAuthorization that kubebuilder scaffolds: the request's bearer token
// is checked by the API server with a TokenReview, and its user with a SubjectAccessReview for `get`
// on the non-resource URL `/metrics` (the metrics-reader ClusterRole grants it). Verdicts are cached
// by the token's hash for a short time, so a Prometheus scraping every 15-30 s costs no API calls.
import { createHash } from 'node:crypto';
import { HttpMethod, type KubeClient } from '../kube/rest.ts';
import { TtlCache } from './ttl-cache.ts';

/** A granted or revoked right takes effect within this time. */
export const REVIEW_CACHE_TTL_MS = 30_000;
/** Tokens remembered at once; a flood of new tokens only pushes the oldest out. */
export const REVIEW_CACHE_MAX_ENTRIES = 1024;

export type ReviewedUser = {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
};

/** The two questions put to the API server. */
export type Reviews = {
  /** The token's user, or undefined when the API server does not know the token. */
  authenticate(token: string): Promise<ReviewedUser | undefined>;
  /** Whether `user` may `get` the non-resource URL `path`. */
  authorize(user: ReviewedUser, path: string): Promise<boolean>;
};

export type ScrapeVerdict = { status: 200 | 401 | 403; reason: string };

/** TokenReview (authentication.k8s.io/v1) and SubjectAccessReview (authorization.k8s.io/v1) through `client`. */
export function apiServerReviews(client: KubeClient): Reviews {
  return {
    async authenticate(token) {
      const review = await client.request<{ status?: { authenticated?: boolean; user?: ReviewedUser } }>(
        HttpMethod.POST,
        '/apis/authentication.k8s.io/v1/tokenreviews',
        { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } },
      );
      return review.status?.authenticated && review.status.user ? review.status.user : undefined;
    },
    async authorize(user, path) {
      const review = await client.request<{ status?: { allowed?: boolean } }>(
        HttpMethod.POST,
        '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: {
              user: user.username,
              uid: user.uid,
              groups: user.groups,
              extra: user.extra,
              nonResourceAttributes: { path, verb: 'get' },
            },
          },
        },
      );
      return review.status?.allowed === true;
    },
  };
}

export class ScrapeAuthorizer {
  readonly #reviews: Reviews;
  // Promises, so that scrapes arriving together with one token share one review.
  readonly #cache: TtlCache<string, Promise<ScrapeVerdict>>;

  constructor(reviews: Reviews, cache: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.#reviews = reviews;
    this.#cache = new TtlCache({
      ttlMs: cache.ttlMs ?? REVIEW_CACHE_TTL_MS,
      maxEntries: cache.maxEntries ?? REVIEW_CACHE_MAX_ENTRIES,
      now: cache.now,
    });
  }

  /**
   * The verdict on a request for `path` with this Authorization header. Rejects when the API server
   * could not be asked (the caller answers 500); such a failure is not remembered.
   */
  check(authorization: string | undefined, path: string): Promise<ScrapeVerdict> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) return Promise.resolve({ status: 401, reason: 'no bearer token' });
    // Only a hash is kept: the cache holds no credentials.
    const key = `${path}\n${createHash('sha256').update(token).digest('hex')}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const verdict = this.#review(token, path);
    this.#cache.set(key, verdict);
    verdict.catch(() => this.#cache.delete(key));
    return verdict;
  }

  async #review(token: string, path: string): Promise<ScrapeVerdict> {
    const user = await this.#reviews.authenticate(token);
    if (!user) return { status: 401, reason: 'token not authenticated' };
    if (!(await this.#reviews.authorize(user, path))) {
      return { status: 403, reason: `${user.username} may not get ${path}` };
    }
    return { status: 200, reason: user.username };
  }
}
