// A message change under steady load through the Ingress, measured the way a user sees it: every
// request's outcome, when the first answer with the new message came, and when every pod of the
// HelloService served it (each pod asked directly, by its IP on the node's bridge).
import { httpGet } from '../cluster/kube.ts';
import { type Kubectl, must, type Obj, sleep } from '../operator/operator-process.ts';
import { runLoad, type Sample, type Target } from './load.ts';

export type RolloutResult = {
  samples: Sample[];
  /** Answers that were not a 2xx with the old or the new message (errors included). */
  failed: Sample[];
  /** Seconds from the change to the first answer through the Ingress with the new message. */
  firstPodS: number;
  /** Seconds from the change until every pod of the HelloService serves the new message. */
  lastPodS: number;
  podsServing: number;
};

type Served = { message: string; hostname: string };

export function parseServed(body: string | undefined): Served | undefined {
  try {
    return JSON.parse(body ?? '') as Served;
  } catch {
    return undefined;
  }
}

/** The HelloService's live pods (not terminating), and whether each is Ready. */
function livePods(
  kubectl: Kubectl,
  ns: string,
  name: string,
): { ip: string; port: number; ready: boolean }[] {
  const pods = (
    JSON.parse(
      must(kubectl, ['-n', ns, 'get', 'pods', '-l', `app.kubernetes.io/instance=${name}`, '-o', 'json']),
    ) as { items: (Obj & { metadata: { deletionTimestamp?: string } })[] }
  ).items.filter((p) => !p.metadata.deletionTimestamp);
  return pods.map((p) => ({
    ip: p.status?.podIP ?? '',
    port: p.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? 8080,
    ready: (p.status?.conditions ?? []).some(
      (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
    ),
  }));
}

/** True when the Deployment is rolled out and each of its pods, asked directly, serves `message`. */
export async function everyPodServes(
  kubectl: Kubectl,
  ns: string,
  name: string,
  message: string,
): Promise<number | undefined> {
  const d = JSON.parse(must(kubectl, ['-n', ns, 'get', 'deployment', name, '-o', 'json'])) as Obj;
  const want = d.spec?.replicas ?? 0;
  const s = d.status ?? {};
  if (s.observedGeneration !== d.metadata.generation || s.updatedReplicas !== want || s.replicas !== want)
    return undefined;
  const pods = livePods(kubectl, ns, name);
  if (pods.length !== want || pods.some((p) => !p.ready || !p.ip)) return undefined;
  for (const p of pods) {
    const res = await httpGet(`${p.ip}:${p.port}`, '/', undefined, 3000).catch(() => undefined);
    if (res?.status !== 200 || res.body.toString('utf8') !== message) return undefined;
  }
  return pods.length;
}

/**
 * Sends a steady load through `target`, changes spec.message of HelloService `name` after
 * `warmupMs`, waits until every pod serves it, keeps the load `cooldownMs` longer, and measures.
 */
export async function changeMessageUnderLoad(options: {
  kubectl: Kubectl;
  ns: string;
  name: string;
  oldMessage: string;
  newMessage: string;
  target: Target;
  rate: number;
  concurrency: number;
  warmupMs?: number;
  cooldownMs?: number;
  /** Bound on the whole load; the change must be served everywhere before it. */
  maxMs: number;
}): Promise<RolloutResult> {
  const { kubectl, ns, name, oldMessage, newMessage } = options;
  const stop = new AbortController();
  const loadStart = performance.now();
  const load = runLoad(
    { ...options.target, accept: 'application/json' },
    { rate: options.rate, concurrency: options.concurrency, maxMs: options.maxMs, signal: stop.signal },
  );
  let changedAt = 0;
  let lastPodAt: number | undefined;
  let podsServing = 0;
  try {
    await sleep(options.warmupMs ?? 2000);
    changedAt = performance.now();
    must(kubectl, [
      '-n',
      ns,
      'patch',
      'hs',
      name,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { message: newMessage } }),
    ]);
    while (performance.now() - loadStart < options.maxMs - (options.cooldownMs ?? 2000)) {
      const n = await everyPodServes(kubectl, ns, name, newMessage);
      if (n !== undefined) {
        lastPodAt = performance.now();
        podsServing = n;
        break;
      }
      await sleep(250);
    }
    await sleep(options.cooldownMs ?? 2000);
  } finally {
    stop.abort();
  }
  const samples = await load;
  if (lastPodAt === undefined)
    throw new Error(`the new message was not served by every pod within ${options.maxMs} ms`);
  const failed = samples.filter((s) => {
    const served = s.status === 200 ? parseServed(s.body) : undefined;
    return served?.message !== oldMessage && served?.message !== newMessage;
  });
  const firstNew = samples.find((s) => parseServed(s.body)?.message === newMessage);
  return {
    samples,
    failed,
    firstPodS: firstNew ? (firstNew.doneAt - changedAt) / 1000 : Number.NaN,
    lastPodS: (lastPodAt - changedAt) / 1000,
    podsServing,
  };
}
