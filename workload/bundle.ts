// The single-file bundle that an image runs: what the benchmark measures and a test starts.
// CLI equivalent (e.g. for a Dockerfile):
//   esbuild workload/main.ts --bundle --platform=node --format=esm --outfile=dist/workload.mjs \
//     --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" \
//     --define:HELLO_WORKLOAD_VERSION='"1.2.3"'
// The banner matters: pino and prom-client are CommonJS and require() Node built-ins, which an
// ESM bundle cannot do without it ("Dynamic require of "node:os" is not supported").
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * The Node flags the image runs the bundle with (Dockerfile.workload's ENTRYPOINT; a unit test keeps
 * the two the same). A young generation of 2 MB instead of up to 16: every new connection's first
 * read is a buffer of up to 64 KiB outside the heap, freed only when a scavenge finds it dead, so a
 * flood of connections that are refused at once piled up garbage faster than it was collected (peak
 * RSS under 5000 stalled uploads: 139 MiB without, 102 MiB with, against a 128 MiB limit).
 */
export const NODE_FLAGS = ['--max-semi-space-size=2'];

export const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export async function bundleWorkload(outfile: string, version?: string): Promise<void> {
  await build({
    entryPoints: [fileURLToPath(new URL('./main.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    outfile,
    banner: { js: REQUIRE_SHIM },
    define: version === undefined ? {} : { HELLO_WORKLOAD_VERSION: JSON.stringify(version) },
    logLevel: 'warning',
  });
}
