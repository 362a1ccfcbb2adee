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
