// What a reconcile wrote to the children, and how it is told: one Event and one log line per kind
// of change naming the child kinds (the children share one name). An Event is a write to the API
// server; one per child would cost a new HelloService nine.
import type { Logger } from 'pino';
import type { KubeObject } from '../kube/rest.ts';
import { CHILD_KINDS } from '../resources/children.ts';

export type ChildChange = 'Created' | 'Adopted' | 'Updated' | 'Deleted';

/** What a reconcile has written so far: reported even when a later write fails. */
export class ChildWrites {
  /** The child kinds created, adopted, updated or deleted. */
  readonly changed = new Map<ChildChange, string[]>();
  /** The objects the applies returned, by kind: fresher than the caches. */
  readonly returned = new Map<string, KubeObject>();

  note(change: ChildChange, kind: string): void {
    const kinds = this.changed.get(change) ?? [];
    kinds.push(kind);
    this.changed.set(change, kinds);
  }
}

/** Per change: the Event's action, and what its note says after the object. */
const CHANGE_ACTIONS: Record<ChildChange, [action: string, suffix: string]> = {
  Created: ['Create', ''],
  Adopted: ['Update', ''],
  Updated: ['Update', ' to match the HelloService'],
  Deleted: ['Delete', ': the spec no longer asks for it'],
};

export type RecordEvent = (type: 'Normal', reason: string, action: string, note: string) => void;

/** One Event and one log line per kind of change, the kinds in table order. */
export function reportChanges(
  writes: ChildWrites,
  childName: string,
  record: RecordEvent,
  log: Logger,
): void {
  const order = (kind: string) => CHILD_KINDS.findIndex((k) => k.kind === kind);
  for (const [change, changedKinds] of writes.changed) {
    const [action, suffix] = CHANGE_ACTIONS[change];
    // In table order, not the order in which parallel applies answered.
    const kinds = [...changedKinds].sort((a, b) => order(a) - order(b));
    record('Normal', change, action, `${change} ${listOf(kinds)} ${JSON.stringify(childName)}${suffix}.`);
    log.info({ kinds, child: childName }, change.toLowerCase());
  }
}

/** "A", "A and B", "A, B and C". */
export function listOf(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
