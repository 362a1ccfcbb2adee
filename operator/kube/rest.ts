// A small raw-JSON client for the API server. Builders produce the wire format; client-node's typed
// clients run bodies (and answers) through a serializer that renames or drops fields (a
// NetworkPolicy's `from` becomes `_from`, times become Dates). The controller reads and writes JSON
// exactly as the API server spells it, through client-node's authentication and TLS setup (its
// RequestContext and undici dispatcher), with undici's `request`: fetch's WHATWG layers (web streams,
// a Response per answer) cost a quarter of the operator's CPU in bench:operator's profile, and over
// HTTP/1.1 (MAX_CONNECTIONS). Errors are
// client-node ApiExceptions, so the error policy reads their status and reason as it does for
// client-node's own calls.
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import { ApiException, HttpMethod, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { Agent, type Dispatcher, request } from 'undici';
import { isNotFound } from './api-errors.ts';

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    managedFields?: ManagedFieldsEntry[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

export type OwnerReference = {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
};

export type ManagedFieldsEntry = {
  manager?: string;
  operation?: string;
  subresource?: string;
  time?: string;
  fieldsV1?: Record<string, unknown>;
  [key: string]: unknown;
};

export type KubeList<T> = {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string };
  items: T[];
};

/** What the API paths of a kind need: its group/version, kind and resource (plural) name. */
export type KindInfo = { apiVersion: string; kind: string; plural: string };

/** Told of every finished request: method, HTTP status ("<error>" when none came), seconds. */
export type RequestObserver = (method: string, code: string, seconds: number) => void;

export type RequestOptions = {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal | undefined;
  /** Give up after this long (default REQUEST_TIMEOUT_MS). */
  timeoutMs?: number;
};

/**
 * No request waits longer than this for its whole answer. A connection that went silent (a peer
 * that vanished without a reset, a stalled proxy) would otherwise hold a pooled request for
 * undici's 5 min; the error (code ETIMEDOUT) is retried like any unreachable API server.
 */
export const REQUEST_TIMEOUT_MS = 60_000;

/**
 * How long one request's authentication headers serve the next ones. client-node builds them by
 * reading the kubeconfig's files and making a new undici Agent, on every request. A rotated
 * ServiceAccount token is written well before the old one expires (at 80 % of its lifetime).
 */
export const AUTH_REFRESH_MS = 30_000;

/**
 * The connections to the API server: at most this many, HTTP/1.1, idle ones kept 30 s. undici would
 * negotiate HTTP/2 (one connection, every request a stream), and Node's HTTP/2 client costs more CPU
 * per request than undici's HTTP/1.1: at N=200 in bench:operator, 15 % less CPU and Ready 10 % sooner
 * with HTTP/1.1, for about 10 MiB more RSS. 64: two per reconcile worker at the default 32 (a
 * reconcile's first wave sends up to five applies at once); more requests wait for a free one.
 */
export const MAX_CONNECTIONS = 64;
const IDLE_CONNECTION_MS = 30_000;

/**
 * An HTTP/1.1 pool with client-node's TLS settings for the kubeconfig's cluster, or undefined when
 * the cluster is reached through a proxy (client-node's own dispatcher then, as it builds it).
 */
async function http1Pool(kc: KubeConfig): Promise<Dispatcher | undefined> {
  const tls: HttpsRequestOptions = {};
  await kc.applyToHTTPSOptions(tls);
  const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = tls;
  const options = kc.createDispatcherOptions(kc.getCurrentCluster(), {
    ca,
    cert,
    key,
    pfx,
    passphrase,
    rejectUnauthorized,
    servername,
  });
  if (options.type !== 'agent') return undefined;
  return new Agent({
    connect: options.connect,
    allowH2: false,
    connections: MAX_CONNECTIONS,
    keepAliveTimeout: IDLE_CONNECTION_MS,
  });
}

/** The REST path of a resource collection or object: `/api/v1/...` for the core group, else `/apis/...`. */
export function resourcePath(
  apiVersion: string,
  plural: string,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const obj = name ? `/${encodeURIComponent(name)}` : '';
  const sub = name && subresource ? `/${subresource}` : '';
  return `${base}${ns}/${plural}${obj}${sub}`;
}

export class KubeClient {
  readonly #kc: KubeConfig;
  /**
   * The connection pool of every request (http1Pool). client-node's applySecurityAuthentication builds
   * a new undici Agent on each call: used as is, every request would open (and leave idle) a
   * connection of its own, with a TLS handshake each. One pool is made; later refreshes only renew
   * the headers (a token that rotates still works; a client certificate is read once).
   */
  #dispatcher: Dispatcher | undefined;
  #auth: { headers: Record<string, string>; until: number } | undefined;
  readonly #authRefreshMs: number;

  readonly #observe: RequestObserver | undefined;

  constructor(kc: KubeConfig, observe?: RequestObserver, authRefreshMs = AUTH_REFRESH_MS) {
    this.#kc = kc;
    this.#observe = observe;
    this.#authRefreshMs = authRefreshMs;
  }

  get server(): string {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    return cluster.server;
  }

  async #authHeaders(url: string, method: HttpMethod): Promise<Record<string, string>> {
    const now = performance.now();
    if (this.#auth && now < this.#auth.until) return this.#auth.headers;
    const ctx = new RequestContext(url, method);
    await this.#kc.applySecurityAuthentication(ctx);
    this.#dispatcher ??= (await http1Pool(this.#kc)) ?? (ctx.getDispatcher() as Dispatcher | undefined);
    const headers = ctx.getHeaders() as Record<string, string>;
    this.#auth = { headers, until: now + this.#authRefreshMs };
    return headers;
  }

  /** One request; resolves the parsed JSON body, throws an ApiException for a status outside 2xx. */
  async request<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      ...(await this.#authHeaders(url.toString(), method)),
      accept: 'application/json',
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    let status: number;
    let responseHeaders: Dispatcher.ResponseData['headers'];
    let text: string;
    const started = performance.now();
    const observe = (code: string) => this.#observe?.(method, code, (performance.now() - started) / 1000);
    try {
      const response = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        ...(this.#dispatcher ? { dispatcher: this.#dispatcher } : {}),
        signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      });
      status = response.statusCode;
      responseHeaders = response.headers;
      text = await response.body.text();
    } catch (err) {
      observe('<error>');
      if (timeout.aborted && !options.signal?.aborted) {
        throw Object.assign(new Error(`${method} ${path}: no answer within ${timeoutMs / 1000} s`), {
          code: 'ETIMEDOUT',
          cause: err,
        });
      }
      throw err;
    }
    observe(String(status));
    if (status < 200 || status > 299) {
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(responseHeaders)) {
        if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      const message = (parsed as { message?: string } | undefined)?.message;
      throw new ApiException(
        status,
        `${method} ${path}: ${status}${message ? ` ${message}` : ''}`,
        parsed,
        flat,
      );
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  get<T = KubeObject>(path: string, signal?: AbortSignal, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>(HttpMethod.GET, path, { signal, query });
  }

  /** GET, or undefined on 404. */
  async getOptional<T = KubeObject>(
    path: string,
    signal?: AbortSignal,
    query?: RequestOptions['query'],
  ): Promise<T | undefined> {
    try {
      return await this.get<T>(path, signal, query);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  list<T = KubeObject>(path: string, labelSelector?: string, signal?: AbortSignal): Promise<KubeList<T>> {
    return this.request<KubeList<T>>(HttpMethod.GET, path, { query: { labelSelector }, signal });
  }
}

export { HttpMethod };
