// What a reconcile wrote to the children, and how it is told: one Event and one log line per kind
// of change naming the child kinds (most children share one name; the ConfigMap is named by its
// message). An Event is a write to the API server; one per child would cost a new HelloService nine.
import type { Logger } from 'pino';
import type { EventType } from '../controller/index.ts';
import type { KubeObject } from '../kube/rest.ts';
import { CHILD_KINDS } from '../resources/children.ts';

export type ChildChange = 'Created' | 'Adopted' | 'Updated' | 'Deleted';

/** What a reconcile has written so far: reported even when a later write fails. */
export class ChildWrites {
  /** The children created, adopted, updated or deleted. */
  readonly changed = new Map<ChildChange, { kind: string; name: string }[]>();
  /** The objects the applies returned, by kind: fresher than the caches. */
  readonly returned = new Map<string, KubeObject>();

  note(change: ChildChange, kind: string, name: string): void {
    const children = this.changed.get(change) ?? [];
    children.push({ kind, name });
    this.changed.set(change, children);
  }
}

/** Per change: the Event's action, and what its note says after the object. */
const CHANGE_ACTIONS: Record<ChildChange, [action: string, suffix: string]> = {
  Created: ['Create', ''],
  Adopted: ['Update', ''],
  Updated: ['Update', ' to match the HelloService'],
  Deleted: ['Delete', ': the spec no longer asks for it'],
};

export type RecordEvent = (type: EventType, reason: string, action: string, note: string) => void;

/**
 * One Event and one log line per kind of change, the kinds in table order, grouped by name:
 * `Created ServiceAccount, Deployment and Service "hello" and ConfigMap "hello-1a2b3c4d5e".`
 */
export function reportChanges(writes: ChildWrites, record: RecordEvent, log: Logger): void {
  const order = (kind: string) => CHILD_KINDS.findIndex((k) => k.kind === kind);
  for (const [change, children] of writes.changed) {
    const [action, suffix] = CHANGE_ACTIONS[change];
    // In table order, not the order in which parallel applies answered.
    const sorted = [...children].sort((a, b) => order(a.kind) - order(b.kind));
    const names = [...new Set(sorted.map((c) => c.name))];
    const groups = names.map(
      (name) => `${listOf(sorted.filter((c) => c.name === name).map((c) => c.kind))} ${JSON.stringify(name)}`,
    );
    record('Normal', change, action, `${change} ${listOf(groups)}${suffix}.`);
    log.info({ kinds: sorted.map((c) => c.kind), children: names }, change.toLowerCase());
  }
}

/** "A", "A and B", "A, B and C". */
export function listOf(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
