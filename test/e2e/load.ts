// HTTP load for the end-to-end tests and bench:e2e: bounded in time and rate, to loopback or the
// node's bridge only (the Ingress NodePort on 127.0.0.1, a ClusterIP or pod IP routed to cni0).
import { Pool } from 'undici';
import { eventually } from '../cluster/kube.ts';

export type Target = {
  /** host:port to connect to. */
  address: string;
  /** Host header (the Ingress rule's host); the address when absent. */
  host?: string;
  path: string;
  /** `application/json` makes the workload say which pod answered. */
  accept?: string;
};

export type Sample = {
  /** performance.now() when the request was sent. */
  sentAt: number;
  /** performance.now() when the answer (or the error) arrived. */
  doneAt: number;
  status?: number;
  body?: string;
  error?: string;
};

export type LoadOptions = {
  /** Requests per second, spread evenly; 0 sends as fast as `concurrency` allows. */
  rate: number;
  concurrency: number;
  /** Hard bound on the load's duration. */
  maxMs: number;
  /** Stops the load early. */
  signal?: AbortSignal;
  onSample?: (s: Sample) => void;
};

/** Sends GETs until maxMs has passed or the signal fires; resolves with every request's outcome. */
export async function runLoad(target: Target, options: LoadOptions): Promise<Sample[]> {
  const pool = new Pool(`http://${target.address}`, {
    connections: options.concurrency,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const samples: Sample[] = [];
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  let next = 0;
  const headers: Record<string, string> = {
    host: target.host ?? target.address,
    ...(target.accept ? { accept: target.accept } : {}),
  };
  const worker = async () => {
    for (;;) {
      if (options.signal?.aborted || now() >= options.maxMs) return;
      if (options.rate > 0) {
        // Claim the next slot of the schedule and wait for it.
        const slot = (next++ * 1000) / options.rate;
        if (slot >= options.maxMs) return;
        const wait = slot - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (options.signal?.aborted) return;
      }
      const sentAt = performance.now();
      let sample: Sample;
      try {
        const res = await pool.request({ method: 'GET', path: target.path, headers });
        const body = await res.body.text();
        sample = { sentAt, doneAt: performance.now(), status: res.statusCode, body };
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        sample = { sentAt, doneAt: performance.now(), error };
      }
      samples.push(sample);
      options.onSample?.(sample);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    await pool.close();
  }
  return samples.sort((a, b) => a.sentAt - b.sentAt);
}

/** The samples that did not get a 2xx answer. */
export function failures(samples: Sample[]): Sample[] {
  return samples.filter((s) => s.status === undefined || s.status < 200 || s.status >= 300);
}

/** Successful answers per second over the load's span. */
export function throughput(samples: Sample[]): number {
  const ok = samples.filter((s) => s.status !== undefined && s.status < 300);
  if (ok.length < 2) return 0;
  const span = Math.max(...ok.map((s) => s.doneAt)) - Math.min(...ok.map((s) => s.sentAt));
  return (ok.length * 1000) / span;
}

/**
 * A steady load through the Ingress (20 req/s, 4 at a time, at most `maxMs`), started once the
 * route answers 200, so that it starts on a route that works. `stop()` ends it early; `samples`
 * resolves with every request made.
 */
export async function ingressLoad(
  address: string,
  host: string,
  options: { maxMs: number; accept?: string },
): Promise<{ stop: () => void; samples: Promise<Sample[]> }> {
  await eventually('the Ingress to route', async () => {
    const [r] = await runLoad({ address, host, path: '/' }, { rate: 0, concurrency: 1, maxMs: 1 });
    return r?.status === 200 ? true : undefined;
  });
  const controller = new AbortController();
  const samples = runLoad(
    { address, host, path: '/', ...(options.accept ? { accept: options.accept } : {}) },
    { rate: 20, concurrency: 4, maxMs: options.maxMs, signal: controller.signal },
  );
  return { stop: () => controller.abort(), samples };
}
