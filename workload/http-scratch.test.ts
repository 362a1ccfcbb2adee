import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTmpDir, type RunningWorkload, startWorkload } from './test-support.ts';

const ITEM = 1024;

describe('scratch data under TMPDIR', () => {
  let w: RunningWorkload;
  beforeAll(async () => {
    w = await startWorkload({
      SCRATCH_MAX_ITEM_BYTES: String(ITEM),
      SCRATCH_MAX_TOTAL_BYTES: String(3 * ITEM),
      SCRATCH_MAX_ITEMS: '100',
    });
  });
  afterAll(() => w.stop());

  async function post(data: Uint8Array): Promise<Response> {
    return fetch(`${w.url}/scratch`, { method: 'POST', body: data });
  }

  async function metric(name: string): Promise<number> {
    const text = await (await fetch(`${w.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return Number(line?.split(' ')[1]);
  }

  function scratchFiles(): string[] {
    const [dir] = readdirSync(w.tmpDir).filter((d) => d.startsWith('hello-scratch-'));
    return dir === undefined ? [] : readdirSync(join(w.tmpDir, dir));
  }

  it('stores a body and gives it back by id', async () => {
    const data = Buffer.from('scratch: grüße\n\u0000\u00ff', 'utf8');
    const res = await post(data);
    expect(res.status).toBe(201);
    const { id, bytes } = (await res.json()) as { id: string; bytes: number };
    expect(bytes).toBe(data.byteLength);
    expect(res.headers.get('location')).toBe(`/scratch/${id}`);
    const got = await fetch(`${w.url}/scratch/${id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);
    expect(scratchFiles()).toContain(id);
  });

  it('refuses an item over the bound with 413, whether its length is declared or not', async () => {
    const declared = await post(Buffer.alloc(ITEM + 1, 1));
    expect(declared.status).toBe(413);
    expect(await declared.text()).toBe(`scratch items are limited to ${ITEM} bytes\n`);

    // Chunked: the size is only known while reading.
    async function* chunks() {
      for (let i = 0; i < 4; i++) yield Buffer.alloc(ITEM / 2, 2);
    }
    const streamed = await request(`${w.url}/scratch`, { method: 'POST', body: Readable.from(chunks()) });
    expect(streamed.statusCode).toBe(413);
    await streamed.body.text();

    const exact = await post(Buffer.alloc(ITEM, 3));
    expect(exact.status).toBe(201);
  });

  it('evicts the oldest items to stay within the total, and shows usage as metrics', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post(Buffer.alloc(ITEM, 10 + i));
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const status = await Promise.all(ids.map(async (id) => (await fetch(`${w.url}/scratch/${id}`)).status));
    expect(status).toEqual([404, 404, 200, 200, 200]);
    const newest = await fetch(`${w.url}/scratch/${ids[4]}`);
    expect(Buffer.from(await newest.arrayBuffer()).equals(Buffer.alloc(ITEM, 14))).toBe(true);

    expect(await metric('hello_scratch_bytes')).toBe(3 * ITEM);
    expect(await metric('hello_scratch_items')).toBe(3);
    expect(await metric('hello_scratch_evictions_total')).toBeGreaterThanOrEqual(2);
    await expect.poll(() => scratchFiles().sort()).toEqual(ids.slice(2).sort());
  });

  it('answers 404 for ids it never issued', async () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', '..%2F..%2Fetc%2Fpasswd', 'x']) {
      const res = await fetch(`${w.url}/scratch/${id}`);
      expect(res.status, id).toBe(404);
      await res.text();
    }
  });

  it('shrugs off a client that aborts its upload', async () => {
    const { port } = new URL(w.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('POST /scratch HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n0123456789');
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    const after = await post(Buffer.from('still here'));
    expect(after.status).toBe(201);
    expect(w.logs.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
  });
});

/** Bytes the files under `dir` take on disk (whole blocks, as du and the kubelet count them). */
function diskUsage(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).blocks * 512;
  }
  return bytes;
}

describe('scratch data within the volume under TMPDIR', () => {
  it('keeps what its files take on disk within SCRATCH_VOLUME_BYTES (the emptyDir sizeLimit)', async () => {
    const volume = 64 * 1024;
    const w = await startWorkload({ SCRATCH_VOLUME_BYTES: String(volume) });
    try {
      // Small items take a whole block each: counting their bytes alone would keep 64 of them.
      for (let i = 0; i < 64; i++) {
        const res = await fetch(`${w.url}/scratch`, { method: 'POST', body: Buffer.alloc(1000, i) });
        expect(res.status).toBe(201);
        await res.text();
      }
      await new Promise((r) => setTimeout(r, 100));
      expect(diskUsage(w.tmpDir)).toBeLessThanOrEqual(volume);
      // The largest item is what fits in the volume, not the default 64 KiB.
      const large = await fetch(`${w.url}/scratch`, { method: 'POST', body: Buffer.alloc(volume, 1) });
      expect(large.status).toBe(413);
      await large.text();
    } finally {
      await w.stop();
    }
  });

  it('removes the scratch directory a killed workload left in TMPDIR, and nothing else', async () => {
    const tmpDir = freshTmpDir();
    const first = await startWorkload({ TMPDIR: tmpDir });
    const left = String((await first.waitForLog('ready')).scratchDir);
    expect((await fetch(`${first.url}/scratch`, { method: 'POST', body: 'left behind' })).status).toBe(201);
    await first.stop(); // SIGKILL: no clean-up
    expect(existsSync(left)).toBe(true);
    // A live process's directory and unrelated ones stay.
    const alive = join(tmpDir, `hello-scratch-${process.pid}-alive1`);
    mkdirSync(alive);
    mkdirSync(join(tmpDir, 'unrelated'));
    const second = await startWorkload({ TMPDIR: tmpDir });
    try {
      expect(existsSync(left)).toBe(false);
      expect(existsSync(alive)).toBe(true);
      expect(existsSync(join(tmpDir, 'unrelated'))).toBe(true);
    } finally {
      await second.stop();
    }
  });
});
