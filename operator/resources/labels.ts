// The labels of everything the operator creates, in one place.

import type { DefaultedHelloService } from '../api/types.ts';
import { childName } from './names.ts';
import type { OperatorSettings } from './settings.ts';

export const NAME_LABEL = 'app.kubernetes.io/name';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
/** The managed-by value: the controller watches its children by this label alone. */
export const MANAGED_BY = 'hello-operator';
/**
 * On the pod template: the revision (message and image, resources/revision.ts) the pods run, so that
 * the pods of one revision can be listed (reconcile/rollback.ts looks for crash loops).
 */
export const REVISION_LABEL = 'hello.operators.dev/revision';
/**
 * The pod labels that are the operator's: the selector, its own, the revision, and the Deployment
 * controller's pod-template-hash. spec.podLabels and spec.service.labels cannot set them.
 */
export const OPERATOR_POD_LABELS = [
  NAME_LABEL,
  INSTANCE_LABEL,
  MANAGED_BY_LABEL,
  PART_OF_LABEL,
  REVISION_LABEL,
  'pod-template-hash',
] as const;
/** The application every child is part of. */
export const APP_NAME = 'hello';

/**
 * The labels that select a HelloService's pods: built only from what never changes for one
 * HelloService (its name), because a Deployment's selector is immutable.
 */
export function selectorLabels(hs: Pick<DefaultedHelloService, 'metadata'>): Record<string, string> {
  // The child name, not the HelloService name: a label value is at most 63 characters.
  return { [NAME_LABEL]: APP_NAME, [INSTANCE_LABEL]: childName(hs.metadata.name) };
}

/** The labels on every child and on the pods. */
export function childLabels(
  hs: Pick<DefaultedHelloService, 'metadata'>,
  settings: Pick<OperatorSettings, 'extraLabels'>,
): Record<string, string> {
  return {
    ...settings.extraLabels,
    ...selectorLabels(hs),
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [PART_OF_LABEL]: MANAGED_BY,
  };
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const OPERATOR_LABELS = new Set([NAME_LABEL, INSTANCE_LABEL, MANAGED_BY_LABEL, PART_OF_LABEL]);

/**
 * `KEY=VALUE` entries as extra labels for every child (the operator setting, render's --label).
 * Throws an Error naming the first bad entry: a key or value Kubernetes would refuse, or one of
 * the operator's own labels, which it relies on to find its children.
 */
export function parseExtraLabels(entries: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const key = at < 0 ? '' : entry.slice(0, at);
    const value = entry.slice(at + 1);
    const [prefix, name] = key.includes('/') ? key.split('/', 2) : [undefined, key];
    if (at < 0 || !name) throw new Error(`${JSON.stringify(entry)} is not KEY=VALUE`);
    if (
      !LABEL_NAME.test(name) ||
      (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    ) {
      throw new Error(`${JSON.stringify(key)} is not a valid label key`);
    }
    if (value !== '' && !LABEL_NAME.test(value)) {
      throw new Error(`${JSON.stringify(value)} (label ${key}) is not a valid label value`);
    }
    if (OPERATOR_LABELS.has(key)) throw new Error(`${key} is the operator's own label and cannot be set`);
    labels[key] = value;
  }
  return labels;
}
