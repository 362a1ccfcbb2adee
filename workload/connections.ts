// Every connection the server holds, in the order they were last active. Two jobs:
// - a bound on their number: a new connection past it closes the one that has waited longest
//   without a request in progress, so that connections that only sit there (or trickle their
//   headers) can never lock a probe out, as refusing the newcomer would;
// - shutdown: telling connections that wait for their next request (safe to close) from those that
//   are still on one, and saying when none is left.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  maxConnections: number;
  /** How long a connection may stay silent before its first request (Node's headersTimeout only
   *  starts with a request's first byte, so a silent one would otherwise be held for ever). */
  silentTimeoutMs: number;
}

interface ConnectionState {
  requestsInFlight: number;
  /** socket.bytesRead when its last answer was sent: unchanged means it has sent nothing since. */
  bytesReadAtLastAnswer: number;
}

export class Connections {
  readonly #byActivity = new Map<Socket, ConnectionState>();
  readonly #maxConnections: number;
  #noneOpen: (() => void)[] = [];

  constructor(server: Server, limits: ConnectionLimits) {
    this.#maxConnections = limits.maxConnections;
    server.on('connection', (socket: Socket) => {
      this.#byActivity.set(socket, { requestsInFlight: 0, bytesReadAtLastAnswer: 0 });
      socket.once('close', () => this.#forget(socket));
      socket.setTimeout(limits.silentTimeoutMs);
      if (this.#byActivity.size > this.#maxConnections) this.#closeLongestWaiting();
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#track(req.socket, res));
    // With a listener here Node leaves timed-out sockets to us: close the silent ones, and leave
    // one whose request has begun to Node's headers and request timeouts (which answer 408).
    server.on('timeout', (socket: Socket) => {
      if (this.#waitsSilently(socket)) socket.destroy();
    });
  }

  get open(): number {
    return this.#byActivity.size;
  }

  /** Closes the connections that were answered and have sent nothing since. */
  closeIdle(): void {
    for (const socket of this.#byActivity.keys()) {
      if (this.#waitsSilently(socket) && socket.bytesRead > 0) this.#close(socket);
    }
  }

  /** Resolves once no connection is open (at once when none is). */
  whenNoneOpen(): Promise<void> {
    if (this.#byActivity.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#noneOpen.push(resolve));
  }

  #track(socket: Socket, res: ServerResponse): void {
    const state = this.#byActivity.get(socket);
    if (state === undefined) return;
    state.requestsInFlight++;
    // The silence allowed before the first request is over; after an answer Node's keep-alive
    // timeout takes over.
    socket.setTimeout(0);
    res.once('close', () => {
      state.requestsInFlight--;
      state.bytesReadAtLastAnswer = socket.bytesRead;
      // Now the most recently active: last in line to be closed for a newcomer.
      if (this.#byActivity.delete(socket)) this.#byActivity.set(socket, state);
    });
  }

  #waitsSilently(socket: Socket): boolean {
    const state = this.#byActivity.get(socket);
    return (
      state !== undefined && state.requestsInFlight === 0 && socket.bytesRead === state.bytesReadAtLastAnswer
    );
  }

  #closeLongestWaiting(): void {
    for (const [socket, state] of this.#byActivity) {
      if (state.requestsInFlight === 0) {
        this.#close(socket);
        return;
      }
    }
  }

  #close(socket: Socket): void {
    this.#forget(socket);
    socket.destroy();
  }

  #forget(socket: Socket): void {
    if (!this.#byActivity.delete(socket) || this.#byActivity.size > 0) return;
    for (const resolve of this.#noneOpen.splice(0)) resolve();
  }
}
