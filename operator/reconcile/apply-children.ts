// The children's three steps, each a function of typed inputs: plan (find every child's live
// object and refuse a foreign one before anything is written), apply (in waves, skipping children
// already as desired), and delete what the spec no longer asks for.
import type { DefaultedHelloService } from '../api/types.ts';
import { ReconcileError } from '../controller/index.ts';
import type { KubeObject } from '../kube/rest.ts';
import { CHILD_KINDS, type ChildKind, type DesiredChild } from '../resources/children.ts';
import { childName } from '../resources/names.ts';
import { FIELD_MANAGER } from './apply.ts';
import type { ChildWrites } from './changes.ts';
import type { ReconcilerDeps } from './deps.ts';
import { lastAppliedTime, ownerOf, ownership } from './ownership.ts';
import { handOffReplicas } from './replicas.ts';
import { upToDate, withAppliedHash } from './up-to-date.ts';

/** A child to apply, with its live object (undefined: none yet). */
export type PlannedChild = DesiredChild & { live: KubeObject | undefined };

/** What the child steps need besides the dependencies. */
export type ChildRun = {
  hs: DefaultedHelloService;
  signal: AbortSignal;
  /** Apply even what looks up to date (a new reconcile-at annotation). */
  forced: boolean;
  /**
   * Per child kind, the managedFields time of our last apply, kept between reconciles: tells an
   * update from a no-op apply, and an adoption from an update.
   */
  lastApplied: Map<string, string | undefined>;
};

/** The live object of a child's name: from the cache when the kind is watched, else from the API. */
async function liveChild(
  deps: ReconcilerDeps,
  child: DesiredChild,
  signal: AbortSignal,
): Promise<KubeObject | undefined> {
  const { name, namespace } = child.body.metadata as { name: string; namespace?: string };
  // Our children carry our managed-by label, so the caches hold them; anything else of that name
  // (or a child whose label was removed by hand) is read from the API server.
  const cached = child.kind.optionalCRD ? undefined : deps.children(child.kind.kind).get(name, namespace);
  return cached ?? (await deps.read(child.kind, name, namespace, signal));
}

/**
 * Every child with its live object. Every conflict is found before anything is written: a
 * HelloService gets all of its children applied or none. The API lookups run all at once.
 */
export async function planChildren(
  deps: ReconcilerDeps,
  children: readonly DesiredChild[],
  run: ChildRun,
): Promise<PlannedChild[]> {
  const live = await Promise.all(children.map((c) => liveChild(deps, c, run.signal)));
  const owner = ownerOf(run.hs);
  return children.map((child, i) => {
    const verdict = ownership(live[i], owner);
    if (verdict.verdict === 'foreign') {
      throw new ReconcileError(
        'ChildConflict',
        `A ${child.kind.kind} named ${JSON.stringify(child.body.metadata.name)} already exists and ${verdict.why}; ` +
          'the operator does not take it over. Delete or rename it, or rename the HelloService.',
        { retryAfterMs: 60_000 },
      );
    }
    return { ...child, live: live[i] };
  });
}

/** Applies the planned children wave by wave, each wave in parallel; throws the first failure. */
export async function applyChildren(
  deps: ReconcilerDeps,
  plan: readonly PlannedChild[],
  run: ChildRun,
  writes: ChildWrites,
): Promise<void> {
  for (const wave of [0, 1, 2]) {
    const results = await Promise.allSettled(
      plan.filter((c) => c.kind.wave === wave).map((c) => applyChild(deps, c, run, writes)),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

async function applyChild(
  deps: ReconcilerDeps,
  child: PlannedChild,
  run: ChildRun,
  writes: ChildWrites,
): Promise<void> {
  const { kind, live } = child;
  const body = withAppliedHash(
    (kind.kind === 'Deployment'
      ? handOffReplicas(child.body, run.hs, live, FIELD_MANAGER)
      : child.body) as KubeObject,
  );
  // Already as desired (and not forced): no write; the live object stands in for the result.
  if (!run.forced && upToDate(body, live, FIELD_MANAGER)) {
    run.lastApplied.set(kind.kind, lastAppliedTime(live, FIELD_MANAGER));
    return;
  }
  const result = await deps.writer.apply(kind, body, run.signal);
  writes.returned.set(kind.kind, result);
  const previousApply = run.lastApplied.has(kind.kind)
    ? run.lastApplied.get(kind.kind)
    : lastAppliedTime(live, FIELD_MANAGER);
  const applied = lastAppliedTime(result, FIELD_MANAGER);
  run.lastApplied.set(kind.kind, applied);
  const name = child.body.metadata.name;
  if (!live) writes.note('Created', kind.kind, name);
  else if (previousApply === undefined) writes.note('Adopted', kind.kind, name);
  else if (applied !== previousApply) writes.note('Updated', kind.kind, name);
}

/**
 * Deletes the children of kinds the spec no longer asks for, when they are this HelloService's.
 * Kinds whose API the cluster does not serve have nothing to delete.
 */
export async function deleteUnwanted(
  deps: ReconcilerDeps,
  wanted: ReadonlySet<ChildKind>,
  served: ReadonlySet<ChildKind>,
  run: ChildRun,
  writes: ChildWrites,
): Promise<void> {
  const name = childName(run.hs.metadata.name);
  const owner = { uid: run.hs.metadata.uid ?? '', instance: name };
  for (const kind of CHILD_KINDS) {
    if (wanted.has(kind) || !served.has(kind)) continue;
    const live = kind.optionalCRD
      ? await deps.read(kind, name, run.hs.metadata.namespace, run.signal)
      : deps.children(kind.kind).get(name, run.hs.metadata.namespace);
    if (ownership(live, owner).verdict !== 'owned') continue;
    await deps.writer.delete(
      kind,
      { name, namespace: run.hs.metadata.namespace, uid: live?.metadata?.uid ?? '' },
      run.signal,
    );
    run.lastApplied.delete(kind.kind);
    writes.note('Deleted', kind.kind, name);
  }
}
