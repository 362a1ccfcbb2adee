// One text per content: the hash of what was applied and the comparison of statuses must not depend
// on the key order the API server (or a builder) happened to use.

/**
 * JSON with object keys sorted and undefined members dropped: equal content, equal text. Built with
 * loops and one string rather than entries, filters and joins: it runs on every child of every
 * reconcile, and the arrays were half its cost.
 */
export function canonicalJSON(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += `${i === 0 ? '' : ','}${canonicalJSON(value[i] ?? null)}`;
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  let text = '{';
  // sort() with no comparator orders by UTF-16 code units, as `<` on strings does.
  for (const key of Object.keys(object).sort()) {
    const member = object[key];
    if (member === undefined) continue;
    text += `${text.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJSON(member)}`;
  }
  return `${text}}`;
}
