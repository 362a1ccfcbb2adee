// The image runs a bundle, not the .ts sources: prove the bundle starts, serves and carries
// the version baked in at build time.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleWorkload, NODE_FLAGS } from './bundle.ts';
import { freshTmpDir } from './test-support.ts';

describe('the image', () => {
  it('runs the bundle with NODE_FLAGS', () => {
    const dockerfile = readFileSync(new URL('../Dockerfile.workload', import.meta.url), 'utf8');
    const entrypoint = /^ENTRYPOINT (.*)$/m.exec(dockerfile)?.[1] ?? '';
    expect(JSON.parse(entrypoint)).toEqual(['/nodejs/bin/node', ...NODE_FLAGS, '/app/main.mjs']);
  });
});

describe('the esbuild bundle', () => {
  it('starts from one file and answers like the sources', async () => {
    const dir = freshTmpDir();
    const outfile = join(dir, 'workload.mjs');
    await bundleWorkload(outfile, '9.9.9-bundle');
    const proc = spawn(process.execPath, [...NODE_FLAGS, outfile], {
      // Run from elsewhere: nothing may be read relative to the source tree.
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', PORT: '0', TMPDIR: dir, SHUTDOWN_DRAIN_SECONDS: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const ready = out.split('\n').some((l) => l.includes('"msg":"ready"'));
          const port = /"port":(\d+)/.exec(out)?.[1];
          if (ready && port !== undefined) resolve(Number(port));
        });
        proc.on('exit', (code) => reject(new Error(`bundle exited with ${code}: ${out}`)));
      });
      const text = await fetch(`http://127.0.0.1:${port}/`);
      expect(await text.text()).toBe('Hello, world!\n');
      const json = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'application/json' } });
      expect(((await json.json()) as { version: string }).version).toBe('9.9.9-bundle');
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('http_requests_total{method="GET",route="/",status_code="200"} 2');
      proc.kill('SIGTERM');
      const code = await new Promise((r) => proc.on('exit', r));
      expect(code).toBe(0);
    } finally {
      proc.kill('SIGKILL');
    }
  });
});
