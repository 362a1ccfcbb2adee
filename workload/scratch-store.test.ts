import { existsSync } from 'node:fs';
import { mkdir, readdir, statfs, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ItemTooLarge, ScratchStore } from './scratch-store.ts';
import { freshTmpDir } from './test-support.ts';

const bytes = (n: number, fill: number) => Buffer.alloc(n, fill);

async function files(store: ScratchStore): Promise<string[]> {
  return readdir(store.dir);
}

describe('ScratchStore', () => {
  it('creates its own directory under TMPDIR and gives back what was stored', async () => {
    const tmp = freshTmpDir();
    const store = await ScratchStore.open(tmp, { maxItemBytes: 100, maxTotalBytes: 1000, maxItems: 10 });
    expect(store.dir.startsWith(join(tmp, 'hello-scratch-'))).toBe(true);
    const data = Buffer.from('grüße\n\u0000binary\u00ff', 'utf8');
    const id = await store.put(data);
    expect(await store.get(id)).toEqual(data);
    expect(await files(store)).toEqual([id]);
    expect(await store.get('00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('refuses an item over the item bound and stores nothing', async () => {
    const store = await ScratchStore.open(freshTmpDir(), {
      maxItemBytes: 10,
      maxTotalBytes: 100,
      maxItems: 10,
    });
    await expect(store.put(bytes(11, 1))).rejects.toBeInstanceOf(ItemTooLarge);
    expect(await store.put(bytes(10, 1))).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.items).toBe(1);
    expect(await files(store)).toHaveLength(1);
  });

  it('evicts the oldest items to stay within the total, and reports usage', async () => {
    const usage: [number, number][] = [];
    let evictions = 0;
    const store = await ScratchStore.open(
      freshTmpDir(),
      { maxItemBytes: 40, maxTotalBytes: 100, maxItems: 100 },
      { onUsage: (b, i) => usage.push([b, i]), onEvict: () => evictions++ },
    );
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await store.put(bytes(40, i)));
    // 5 × 40 bytes into 100: only the two newest fit.
    expect(store.bytes).toBe(80);
    expect(evictions).toBe(3);
    for (const id of ids.slice(0, 3)) expect(await store.get(id)).toBeUndefined();
    expect(await store.get(ids[3] ?? '')).toEqual(bytes(40, 3));
    expect(await store.get(ids[4] ?? '')).toEqual(bytes(40, 4));
    expect(usage.at(-1)).toEqual([80, 2]);
    await expect.poll(() => files(store).then((f) => f.sort())).toEqual([ids[3], ids[4]].sort());
  });

  it('evicts the oldest items to stay within the item count', async () => {
    const store = await ScratchStore.open(freshTmpDir(), {
      maxItemBytes: 10,
      maxTotalBytes: 1000,
      maxItems: 2,
    });
    const a = await store.put(bytes(1, 1));
    const b = await store.put(bytes(1, 2));
    const c = await store.put(bytes(1, 3));
    expect(await store.get(a)).toBeUndefined();
    expect(await store.get(b)).toEqual(bytes(1, 2));
    expect(await store.get(c)).toEqual(bytes(1, 3));
    expect(store.items).toBe(2);
  });

  it('stays within its bounds under concurrent writes', async () => {
    const store = await ScratchStore.open(freshTmpDir(), {
      maxItemBytes: 10,
      maxTotalBytes: 50,
      maxItems: 100,
    });
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.put(bytes(10, i))));
    expect(store.bytes).toBe(50);
    await expect.poll(() => files(store).then((f) => f.length)).toBe(5);
  });

  it('keeps what its files take on disk, in whole blocks, within volumeBytes', async () => {
    const tmp = freshTmpDir();
    const block = (await statfs(tmp)).bsize;
    const store = await ScratchStore.open(tmp, {
      maxItemBytes: 100 * block,
      maxTotalBytes: 1000 * block,
      maxItems: 64,
      volumeBytes: 20 * block,
    });
    // Room for the directories (3 blocks, and one per 64 entries) leaves 16 blocks for items.
    expect(store.limits.maxItemBytes).toBe(16 * block);
    for (let i = 0; i < 20; i++) await store.put(bytes(1, i));
    expect(store.items).toBe(16);
    await expect(store.put(bytes(16 * block + 1, 1))).rejects.toBeInstanceOf(ItemTooLarge);
    await store.put(bytes(16 * block, 1));
    expect(store.items).toBe(1);
  });

  it('names its directory after the process and removes those of processes that are gone', async () => {
    const tmp = freshTmpDir();
    const gone = join(tmp, 'hello-scratch-999999999-aaaaaa');
    const alive = join(tmp, `hello-scratch-${process.ppid}-bbbbbb`);
    const earlierUs = join(tmp, `hello-scratch-${process.pid}-cccccc`);
    for (const dir of [gone, alive, earlierUs, join(tmp, 'other')]) await mkdir(dir);
    const store = await ScratchStore.open(tmp, { maxItemBytes: 1, maxTotalBytes: 1, maxItems: 1 });
    expect(store.dir.startsWith(join(tmp, `hello-scratch-${process.pid}-`))).toBe(true);
    expect((await readdir(tmp)).sort()).toEqual([basename(alive), basename(store.dir), 'other'].sort());
  });

  it('removes its directory on destroy', async () => {
    const store = await ScratchStore.open(freshTmpDir(), {
      maxItemBytes: 10,
      maxTotalBytes: 100,
      maxItems: 10,
    });
    await store.put(bytes(3, 1));
    await store.destroy();
    expect(existsSync(store.dir)).toBe(false);
  });

  it('fails to open where it cannot create its directory', async () => {
    const notADir = join(freshTmpDir(), 'file');
    await writeFile(notADir, 'x');
    await expect(
      ScratchStore.open(notADir, { maxItemBytes: 1, maxTotalBytes: 1, maxItems: 1 }),
    ).rejects.toThrow();
    await expect(
      ScratchStore.open('/nonexistent/hello', { maxItemBytes: 1, maxTotalBytes: 1, maxItems: 1 }),
    ).rejects.toThrow();
  });
});
