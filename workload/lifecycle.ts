// Where the process is in its life; readiness and connection reuse depend on it.

export type Phase = 'starting' | 'ready' | 'draining' | 'closing';

export class Lifecycle {
  phase: Phase = 'starting';

  get ready(): boolean {
    return this.phase === 'ready';
  }

  /** From the first signal on, responses ask clients to reconnect, so that no keep-alive
   *  connection is still idle (and about to be reused) when the server closes it. */
  get shuttingDown(): boolean {
    return this.phase === 'draining' || this.phase === 'closing';
  }
}
