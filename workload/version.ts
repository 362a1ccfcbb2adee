// The version shown in JSON responses: VERSION from the environment wins (see config.ts);
// otherwise a bundle can bake one in with esbuild `--define:HELLO_WORKLOAD_VERSION='"1.2.3"'`.
declare const HELLO_WORKLOAD_VERSION: string | undefined;

export const BUILD_VERSION: string =
  typeof HELLO_WORKLOAD_VERSION === 'string' && HELLO_WORKLOAD_VERSION !== ''
    ? HELLO_WORKLOAD_VERSION
    : 'dev';
