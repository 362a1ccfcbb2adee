// Temp data on the pod's writable /tmp volume (an emptyDir under a read-only root filesystem).
// Items are files; the index lives in memory (insertion order = age), so bounds are enforced
// synchronously before any write and the directory never holds more than the bounds allow.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ScratchLimits {
  maxItemBytes: number;
  maxTotalBytes: number;
  maxItems: number;
}

export interface ScratchEvents {
  onUsage?(bytes: number, items: number): void;
  onEvict?(): void;
}

interface Entry {
  size: number;
  /** Settles when the file is on disk; reads and deletes wait for it. */
  written: Promise<void>;
}

export class ItemTooLarge extends Error {
  constructor(limit: number) {
    super(`scratch items are limited to ${limit} bytes`);
    this.name = 'ItemTooLarge';
  }
}

export class ScratchStore {
  readonly dir: string;
  readonly limits: ScratchLimits;
  #events: ScratchEvents;
  #index = new Map<string, Entry>();
  #bytes = 0;

  private constructor(dir: string, limits: ScratchLimits, events: ScratchEvents) {
    this.dir = dir;
    this.limits = limits;
    this.#events = events;
  }

  /** Creates a fresh directory under tmpDir and proves it writable and readable. */
  static async open(
    tmpDir: string,
    limits: ScratchLimits,
    events: ScratchEvents = {},
  ): Promise<ScratchStore> {
    const dir = await mkdtemp(join(tmpDir, 'hello-scratch-'));
    const probe = join(dir, '.probe');
    const token = randomUUID();
    await writeFile(probe, token);
    if ((await readFile(probe, 'utf8')) !== token)
      throw new Error(`${dir} did not read back what was written`);
    await unlink(probe);
    const store = new ScratchStore(dir, limits, events);
    events.onUsage?.(0, 0);
    return store;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get items(): number {
    return this.#index.size;
  }

  /** Stores data, evicting the oldest items first if the bounds require; returns the new id. */
  async put(data: Uint8Array): Promise<string> {
    const { maxItemBytes, maxTotalBytes, maxItems } = this.limits;
    if (data.byteLength > maxItemBytes) throw new ItemTooLarge(maxItemBytes);
    while (
      this.#index.size > 0 &&
      (this.#bytes + data.byteLength > maxTotalBytes || this.#index.size >= maxItems)
    ) {
      this.#evictOldest();
    }
    const id = randomUUID();
    const written = writeFile(join(this.dir, id), data);
    this.#index.set(id, { size: data.byteLength, written: written.catch(() => {}) });
    this.#bytes += data.byteLength;
    this.#report();
    try {
      await written;
    } catch (err) {
      this.#forget(id);
      throw err;
    }
    return id;
  }

  /** The item's bytes, or undefined when there is no such item (never stored, or evicted). */
  async get(id: string): Promise<Buffer | undefined> {
    const entry = this.#index.get(id);
    if (entry === undefined) return undefined;
    await entry.written;
    try {
      return await readFile(join(this.dir, id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Removes the directory; used at shutdown so restarts in the same pod start clean. */
  async destroy(): Promise<void> {
    this.#index.clear();
    this.#bytes = 0;
    await rm(this.dir, { recursive: true, force: true });
  }

  #evictOldest(): void {
    const oldest = this.#index.keys().next();
    if (oldest.done) return;
    this.#forget(oldest.value);
    this.#events.onEvict?.();
  }

  #forget(id: string): void {
    const entry = this.#index.get(id);
    if (entry === undefined) return;
    this.#index.delete(id);
    this.#bytes -= entry.size;
    this.#report();
    // The file may still be being written; remove it once that is done. A failure only leaves
    // a file behind in a directory that is removed at shutdown.
    void entry.written.then(() => unlink(join(this.dir, id))).catch(() => {});
  }

  #report(): void {
    this.#events.onUsage?.(this.#bytes, this.#index.size);
  }
}
