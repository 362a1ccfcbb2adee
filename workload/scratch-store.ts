// Temp data on the pod's writable /tmp volume (an emptyDir under a read-only root filesystem).
// Items are files; the index lives in memory (insertion order = age), so bounds are enforced
// synchronously before any write and the directory never holds more than the bounds allow.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, statfs, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ScratchLimits {
  maxItemBytes: number;
  maxTotalBytes: number;
  maxItems: number;
  /**
   * The size of the volume under TMPDIR (the emptyDir's sizeLimit, beyond which the pod is
   * evicted). When set, what the items take on disk, in whole blocks as du and the kubelet count
   * them, stays within it, minus room for the directories.
   */
  volumeBytes?: number;
}

/** Our directories are named after the process, so that a later one can tell whose are dead. */
const DIR_PREFIX = 'hello-scratch-';
const DIR_NAME = new RegExp(`^${DIR_PREFIX}(\\d+)-`);

export interface ScratchEvents {
  onUsage?(bytes: number, items: number): void;
  onEvict?(): void;
}

interface Entry {
  size: number;
  /** What its file takes on disk: size rounded up to whole blocks. */
  diskBytes: number;
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
  /** The limits in force: maxItemBytes is lowered to what fits in the volume. */
  readonly limits: ScratchLimits;
  readonly #blockBytes: number;
  readonly #maxDiskBytes: number;
  #events: ScratchEvents;
  #index = new Map<string, Entry>();
  #bytes = 0;
  #diskBytes = 0;

  private constructor(dir: string, limits: ScratchLimits, blockBytes: number, events: ScratchEvents) {
    this.dir = dir;
    this.#blockBytes = blockBytes;
    this.#maxDiskBytes = maxDiskBytes(limits, blockBytes);
    const fitsOnDisk = Math.floor(this.#maxDiskBytes / blockBytes) * blockBytes;
    this.limits = { ...limits, maxItemBytes: Math.max(0, Math.min(limits.maxItemBytes, fitsOnDisk)) };
    this.#events = events;
  }

  /**
   * Removes what dead processes left under tmpDir (a restarted container finds the directory of
   * the one killed before it in the same emptyDir), creates a fresh directory and proves it
   * writable and readable.
   */
  static async open(
    tmpDir: string,
    limits: ScratchLimits,
    events: ScratchEvents = {},
  ): Promise<ScratchStore> {
    await removeLeftovers(tmpDir);
    const dir = await mkdtemp(join(tmpDir, `${DIR_PREFIX}${process.pid}-`));
    const probe = join(dir, '.probe');
    const token = randomUUID();
    await writeFile(probe, token);
    if ((await readFile(probe, 'utf8')) !== token)
      throw new Error(`${dir} did not read back what was written`);
    await unlink(probe);
    const store = new ScratchStore(dir, limits, (await statfs(dir)).bsize, events);
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
    const diskBytes = Math.ceil(data.byteLength / this.#blockBytes) * this.#blockBytes;
    while (
      this.#index.size > 0 &&
      (this.#bytes + data.byteLength > maxTotalBytes ||
        this.#diskBytes + diskBytes > this.#maxDiskBytes ||
        this.#index.size >= maxItems)
    ) {
      this.#evictOldest();
    }
    const id = randomUUID();
    const written = writeFile(join(this.dir, id), data);
    this.#index.set(id, { size: data.byteLength, diskBytes, written: written.catch(() => {}) });
    this.#bytes += data.byteLength;
    this.#diskBytes += diskBytes;
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
    this.#diskBytes = 0;
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
    this.#diskBytes -= entry.diskBytes;
    this.#report();
    // The file may still be being written; remove it once that is done. A failure only leaves
    // a file behind in a directory that is removed at shutdown.
    void entry.written.then(() => unlink(join(this.dir, id))).catch(() => {});
  }

  #report(): void {
    this.#events.onUsage?.(this.#bytes, this.#index.size);
  }
}

/**
 * What the items may take on disk: the volume less room for the directories (the volume's own and
 * ours, a block each, ours growing by a block for every 64 entries or so, and the start-up probe's
 * file), or no bound without a volume.
 */
function maxDiskBytes(limits: ScratchLimits, blockBytes: number): number {
  if (limits.volumeBytes === undefined) return Number.POSITIVE_INFINITY;
  const entries = Math.min(limits.maxItems, Math.floor(limits.volumeBytes / blockBytes));
  const directoryBlocks = 3 + Math.ceil(entries / 64);
  return limits.volumeBytes - directoryBlocks * blockBytes;
}

/** Removes the directories of our processes that are gone (and of an earlier us: same pid). */
async function removeLeftovers(tmpDir: string): Promise<void> {
  const names = await readdir(tmpDir).catch(() => []);
  for (const name of names) {
    const pid = Number(DIR_NAME.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isNaN(pid) && !isOtherLiveProcess(pid)) {
      await rm(join(tmpDir, name), { recursive: true, force: true });
    }
  }
}

/** In a container we are usually pid 1 after every restart: our own pid is never another's. */
function isOtherLiveProcess(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
