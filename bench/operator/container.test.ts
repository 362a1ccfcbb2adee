import { describe, expect, it } from 'vitest';
import { deploymentMemoryLimit, entrypointNodeArgs, inCgroup, readRepoFile } from './container.ts';

describe("the operator's container, for bench:operator", () => {
  it('takes the Node flags from between the node binary and the bundle', () => {
    expect(
      entrypointNodeArgs('FROM x\nENTRYPOINT ["/nodejs/bin/node", "--a=1", "--b", "/app/main.mjs"]\n'),
    ).toEqual(['--a=1', '--b']);
    expect(() => entrypointNodeArgs('FROM x\nCMD ["node"]\n')).toThrow(/no ENTRYPOINT/);
    // The real Dockerfile: flags only, the bundle not among them.
    const real = entrypointNodeArgs(readRepoFile('Dockerfile.operator'));
    expect(real.length).toBeGreaterThan(0);
    for (const arg of real) expect(arg).toMatch(/^--[a-z-]+=\d+$/);
  });

  it("reads the Deployment's memory limit in bytes", () => {
    const yaml = (memory: string) =>
      `kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n          resources:\n            limits:\n              memory: ${memory}\n`;
    expect(deploymentMemoryLimit(yaml('256Mi'))).toBe(256 * 2 ** 20);
    expect(deploymentMemoryLimit(yaml('1G'))).toBe(1e9);
    expect(() =>
      deploymentMemoryLimit('kind: Deployment\nspec: {template: {spec: {containers: [{}]}}}\n'),
    ).toThrow(/no memory limit/);
    expect(deploymentMemoryLimit(readRepoFile('deploy/manager/deployment.yaml'))).toBeGreaterThan(0);
  });

  it('runs the command itself when there is no cgroup, else through a shell that joins it first', () => {
    expect(inCgroup(undefined, ['node', 'x'])).toEqual(['node', 'x']);
    const argv = inCgroup({ procs: '/cg/cgroup.procs', limitBytes: 1, remove: () => {} }, ['node', 'x']);
    expect(argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(argv.slice(3)).toEqual(['/cg/cgroup.procs', 'node', 'x']);
  });
});
