// Who may use the shared clusters at the same time. Vitest runs two test files at once; most cluster
// files keep to namespaces of their own and can overlap, but some cannot: one drains the node
// everything runs on, one swaps the CRD, two install the same monitoring stack. Each file asks a
// server in Vitest's main process for what it needs before it starts (test/cluster/slot-setup.ts)
// and gives it back by closing its connection, so a crashed worker gives it back too.

import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The socket path of slotServer(). */
    slots: string;
  }
}

export interface Claim {
  /** The test file, for messages. */
  file: string;
  /** Nothing else may run beside it. */
  exclusive: boolean;
  /** Named resources only one file at a time may hold. */
  locks: readonly string[];
}

function compatible(a: Claim, b: Claim): boolean {
  return !a.exclusive && !b.exclusive && !a.locks.some((l) => b.locks.includes(l));
}

/** The waiting claims that may start now, in order: each fits beside everything running and does not
 * overtake an earlier waiting claim it conflicts with (so an exclusive claim is never starved). */
export function startable(running: readonly Claim[], waiting: readonly Claim[]): Claim[] {
  const started: Claim[] = [];
  const ahead: Claim[] = [];
  for (const claim of waiting) {
    if ([...running, ...started, ...ahead].every((other) => compatible(claim, other))) started.push(claim);
    else ahead.push(claim);
  }
  return started;
}

/** Starts the server once per process (every project's global setup asks); returns its socket path. */
export function slotServer(): string {
  const shared = globalThis as { helloSlots?: string };
  if (shared.helloSlots) return shared.helloSlots;
  const dir = mkdtempSync(join(tmpdir(), 'hello-slots-'));
  const path = join(dir, 'slots.sock');
  const running = new Map<Socket, Claim>();
  const waiting: { socket: Socket; claim: Claim }[] = [];
  const admit = () => {
    const go = new Set(
      startable(
        [...running.values()],
        waiting.map((w) => w.claim),
      ),
    );
    for (const w of waiting.filter((x) => go.has(x.claim))) {
      waiting.splice(waiting.indexOf(w), 1);
      running.set(w.socket, w.claim);
      w.socket.write('go\n');
    }
  };
  const server = createServer((socket) => {
    let line = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      line += chunk;
      if (!line.includes('\n')) return;
      waiting.push({ socket, claim: JSON.parse(line) as Claim });
      admit();
    });
    socket.on('close', () => {
      running.delete(socket);
      const i = waiting.findIndex((w) => w.socket === socket);
      if (i >= 0) waiting.splice(i, 1);
      admit();
    });
    socket.on('error', () => socket.destroy());
  });
  server.listen(path);
  server.unref();
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  shared.helloSlots = path;
  return path;
}

/** Waits until the claim may start; the returned function gives it back. */
export function claimSlot(path: string, claim: Claim): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.setEncoding('utf8');
    socket.once('error', reject);
    socket.once('data', () => resolve(() => socket.end()));
    socket.once('close', () => reject(new Error(`the slot server closed before ${claim.file} could start`)));
    socket.write(`${JSON.stringify(claim)}\n`);
  });
}
