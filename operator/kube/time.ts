// The two time formats of the Kubernetes API.

/** RFC 3339 to the second (metav1.Time: conditions' lastTransitionTime). */
export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** RFC 3339 with six fractional digits (metav1.MicroTime: Events, Leases); the API refuses fewer. */
export function microTime(date: Date): string {
  return date.toISOString().replace('Z', '000Z');
}
