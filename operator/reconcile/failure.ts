// A failure, worded for a person: the status message and the Warning Event's note.
import { ReconcileError } from '../controller/index.ts';
import { httpStatus } from '../kube/api-errors.ts';

/**
 * A ReconcileError's message, or the API server's own words (the Status message of an API error)
 * rather than client-node's dump of body and headers.
 */
export function failureMessage(err: unknown): string {
  if (err instanceof ReconcileError) return err.message;
  const body = (err as { body?: unknown } | undefined)?.body;
  const status = typeof body === 'string' ? safeParse(body) : body;
  const apiMessage = (status as { message?: unknown } | undefined)?.message;
  if (typeof apiMessage === 'string' && apiMessage !== '') {
    const code = httpStatus(err);
    return `The API server refused a request${code === undefined ? '' : ` (${code})`}: ${apiMessage}`;
  }
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Whether a failure stays until a person changes the spec or the cluster (the status says Stalled,
 * and kstatus clients stop waiting): the operator's own ReconcileErrors (an invalid or unworkable
 * spec, a name clash) and what the API server refuses for who we are or what we sent (401, 403, 400,
 * 422). Anything else (a conflict, an unreachable or busy API server) passes with a retry.
 */
export function stuck(err: unknown): boolean {
  if (err instanceof ReconcileError) return true;
  const code = httpStatus(err);
  return code === 400 || code === 401 || code === 403 || code === 422;
}
