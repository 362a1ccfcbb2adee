// Follows what the benchmark waits for through watches (cheaper and more precise than polling
// lists): per kind, which objects of the benchmark's namespaces exist; per HelloService whether it
// is Ready=True; per Deployment whether it has rolled out and is available. Only loopback traffic to
// the API server.
import { type KubeConfig, Watch } from '@kubernetes/client-node';

type Obj = {
  kind?: string;
  metadata?: { name?: string; namespace?: string; generation?: number };
  spec?: { replicas?: number };
  status?: {
    conditions?: { type?: string; status?: string; observedGeneration?: number }[];
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
  };
};

export type Kind = { apiVersion: string; kind: string; plural: string };

const path = (k: Kind) =>
  k.apiVersion.includes('/') ? `/apis/${k.apiVersion}/${k.plural}` : `/api/${k.apiVersion}/${k.plural}`;

/** A Deployment whose current spec has rolled out and whose pods are all available. */
export function deploymentAvailable(d: Obj): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want
  );
}

export function helloReady(hs: Obj): boolean {
  return hs.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The generation a Ready HelloService is Ready at (its Ready condition's, else the status'); 0: not Ready. */
export function readyGeneration(hs: Obj): number {
  const ready = hs.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready) return 0;
  const observed = ready.observedGeneration ?? hs.status?.observedGeneration ?? 0;
  return Math.min(observed, hs.metadata?.generation ?? 0);
}

export class Tracker {
  readonly #kc: KubeConfig;
  readonly #inScope: (namespace: string) => boolean;
  /** kind → keys present */
  readonly present = new Map<string, Set<string>>();
  readonly ready = new Set<string>();
  readonly available = new Set<string>();
  /** Per HelloService, the generation it is Ready at; per Deployment, the generation available. */
  readonly readyAtGeneration = new Map<string, number>();
  readonly availableAtGeneration = new Map<string, number>();
  readonly #aborts: AbortController[] = [];
  #stopped = false;
  #changed: () => void = () => {};

  constructor(kc: KubeConfig, inScope: (namespace: string) => boolean) {
    this.#kc = kc;
    this.#inScope = inScope;
  }

  async start(kinds: Kind[], labelSelector: string, hello?: Kind): Promise<void> {
    const watch = new Watch(this.#kc);
    const one = async (k: Kind, selector: string | undefined) => {
      const set = new Set<string>();
      this.present.set(k.kind, set);
      // A watch the server refuses (429 at start) or ends (timeout) starts again: ADDED events for
      // what exists are idempotent.
      const again = (err: unknown) => {
        if (this.#stopped) return;
        // client-node ends every watch after a while (TimeoutError): routine, not worth a line.
        if (err && (err as Error).name !== 'TimeoutError')
          process.stderr.write(`[bench] watch ${k.plural}: ${String(err)}; restarting\n`);
        setTimeout(() => void begin(), 1000);
      };
      const begin = async (): Promise<void> => {
        if (this.#stopped) return;
        const ac = await watch
          .watch(
            path(k),
            selector ? { labelSelector: selector, allowWatchBookmarks: false } : {},
            (type: string, o: Obj) => {
              const ns = o.metadata?.namespace ?? '';
              if (!this.#inScope(ns)) return;
              const key = `${ns}/${o.metadata?.name ?? ''}`;
              if (type === 'DELETED') {
                set.delete(key);
                this.ready.delete(key);
                this.available.delete(key);
                this.readyAtGeneration.delete(key);
                this.availableAtGeneration.delete(key);
              } else {
                set.add(key);
                if (k.kind === 'Deployment') {
                  if (deploymentAvailable(o)) {
                    this.available.add(key);
                    this.availableAtGeneration.set(key, o.metadata?.generation ?? 0);
                  } else this.available.delete(key);
                } else if (k === hello) {
                  if (helloReady(o)) this.ready.add(key);
                  else this.ready.delete(key);
                  const generation = readyGeneration(o);
                  if (generation > 0) this.readyAtGeneration.set(key, generation);
                }
              }
              this.#changed();
            },
            again,
          )
          .catch((err: unknown) => {
            again(err);
            return undefined;
          });
        if (ac) this.#aborts.push(ac);
      };
      await begin();
    };
    await Promise.all([
      ...kinds.map((k) => one(k, labelSelector)),
      ...(hello ? [one(hello, undefined)] : []),
    ]);
  }

  /** How many of `atGeneration`'s keys are at `generation` or later. */
  static atLeast(atGeneration: ReadonlyMap<string, number>, generation: number): number {
    let count = 0;
    for (const g of atGeneration.values()) if (g >= generation) count++;
    return count;
  }

  count(kind: string): number {
    return this.present.get(kind)?.size ?? 0;
  }

  /** Resolves when `done()` is true, checked on every watch event and every 250 ms. */
  until(done: () => boolean, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      if (done()) return resolve(performance.now());
      const timer = setInterval(check, 250);
      const deadline = setTimeout(() => {
        clearInterval(timer);
        this.#changed = () => {};
        reject(new Error(`timed out after ${timeoutMs / 1000} s`));
      }, timeoutMs);
      function finish(at: number) {
        clearInterval(timer);
        clearTimeout(deadline);
        resolve(at);
      }
      const self = this;
      function check() {
        if (done()) {
          self.#changed = () => {};
          finish(performance.now());
        }
      }
      this.#changed = check;
    });
  }

  stop(): void {
    this.#stopped = true;
    for (const a of this.#aborts) a.abort();
  }
}
