// A small client of VictoriaLogs' LogsQL HTTP API (/select/logsql/query), for the logging tests and
// the benchmark. Every value comes back as a string, as VictoriaLogs stores it.

export type LogRecord = Record<string, string>;

/** The lines matching a LogsQL query, oldest first (at most `limit`). */
export async function logsQuery(store: string, query: string, limit = 10_000): Promise<LogRecord[]> {
  const res = await fetch(`${store}/select/logsql/query`, {
    method: 'POST',
    body: new URLSearchParams({ query, limit: String(limit) }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`LogsQL ${query}: ${res.status} ${text.slice(0, 300)}`);
  const records = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LogRecord);
  return records.sort((a, b) => (a._time ?? '').localeCompare(b._time ?? ''));
}

/** How many lines match, and how many distinct values of `field` they hold. */
export async function logsCount(
  store: string,
  query: string,
  field: string,
): Promise<{ lines: number; distinct: number }> {
  const [row] = await logsQuery(store, `${query} | stats count() lines, count_uniq(${field}) distinct`);
  return { lines: Number(row?.lines ?? 0), distinct: Number(row?.distinct ?? 0) };
}

/** A LogsQL exact-match filter on a field whose name needs quoting (pod labels hold dots and slashes). */
export const exact = (field: string, value: string) => `${JSON.stringify(field)}:=${JSON.stringify(value)}`;

/** The field vlagent stores the HelloService under: its pods' app.kubernetes.io/instance label. */
export const HELLOSERVICE_FIELD = 'kubernetes.pod_labels.app.kubernetes.io/instance';
