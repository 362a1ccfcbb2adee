// `npm run render -- [options] <file|->...`: prints the children of the HelloServices in the files
// (or stdin) as one YAML stream. Exit status 1 when any input is invalid, 2 on a usage error.

import { closeSync, openSync, readSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { render } from './render.ts';
import { parseExtraLabels } from './resources/labels.ts';
import { operatorSettings } from './resources/settings.ts';
import { MAX_INPUT_BYTES } from './yaml-input.ts';

const usage = `usage: render [--image IMAGE] [--label KEY=VALUE]... <file|->...
Prints the objects the operator creates for each HelloService in the files ("-" reads stdin), as a
YAML stream for \`kubectl apply --server-side -f -\`. Without owner references (no live HelloService).
  --image IMAGE        the workload image for HelloServices without spec.image
  --label KEY=VALUE    a label added to every object (repeatable)`;

/**
 * At most one byte more than render reads, so that a huge file or an endless stream (/dev/zero)
 * costs no more memory than that: render then refuses it, naming the file.
 */
function readBounded(file: string): string {
  const fd = file === '-' ? 0 : openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(MAX_INPUT_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      let n: number;
      try {
        n = readSync(fd, buffer, length, buffer.length - length, null);
      } catch (err) {
        // A non-blocking stdin with nothing yet: wait a little and read again.
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (n === 0) break;
      length += n;
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** Runs the command; returns the exit status. Separate from the process for the tests. */
export function main(args: string[], io = { stdout: process.stdout, stderr: process.stderr }): number {
  let parsed: ReturnType<typeof parse>;
  const parse = (a: string[]) =>
    parseArgs({
      args: a,
      allowPositionals: true,
      options: {
        image: { type: 'string' },
        label: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  try {
    parsed = parse(args);
  } catch (err) {
    io.stderr.write(`render: ${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals.length === 0) {
    io.stderr.write(`render: no input file (use - for stdin)\n${usage}\n`);
    return 2;
  }
  let extraLabels: Record<string, string>;
  try {
    extraLabels = parseExtraLabels(values.label ?? []);
  } catch (err) {
    io.stderr.write(`render: --label ${(err as Error).message}\n`);
    return 2;
  }
  const settings = operatorSettings({
    extraLabels,
    ...(values.image ? { workloadImage: values.image } : {}),
  });

  let out = '';
  let failed = false;
  for (const file of positionals) {
    let text: string;
    try {
      text = readBounded(file);
    } catch (err) {
      io.stderr.write(`render: ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      failed = true;
      continue;
    }
    const result = render(text, settings, file === '-' ? 'stdin' : file);
    if (!result.ok) {
      for (const e of result.errors) io.stderr.write(`render: ${e}\n`);
      failed = true;
      continue;
    }
    for (const n of result.notices) io.stderr.write(`render: ${n}\n`);
    out += result.yaml;
  }
  // Nothing on stdout when anything failed: half a render applied by a pipeline would be worse.
  if (failed) return 1;
  io.stdout.write(out);
  return 0;
}

// Only when this file is the program (`node operator/render-cli.ts`): bundled into the operator
// (esbuild), import.meta is the bundle's, and `hello-operator render` calls main itself.
if (import.meta.main && /render-cli\.ts$/.test(import.meta.filename ?? '')) {
  process.exitCode = main(process.argv.slice(2));
}
