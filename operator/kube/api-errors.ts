// Reading an API error: client-node's ApiException (and our raw client's, which are the same class)
// carries the HTTP status as `code`; other clients use `statusCode` or `response.status`.

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

/** The HTTP status of an API error, or undefined when the error did not come with one. */
export function httpStatus(err: unknown): number | undefined {
  const e = asRecord(err);
  if (!e) return undefined;
  for (const v of [e.code, e.statusCode, asRecord(e.response)?.status]) {
    if (typeof v === 'number' && v >= 100 && v < 600) return v;
  }
  return undefined;
}

/** 404: the object (or its namespace, or its API) is not there. */
export const isNotFound = (err: unknown): boolean => httpStatus(err) === 404;

/** 409: someone else wrote first (a stale resourceVersion, or a create of an existing name). */
export const isConflict = (err: unknown): boolean => httpStatus(err) === 409;
