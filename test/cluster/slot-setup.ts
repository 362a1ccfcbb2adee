// A setup file of the cluster and fake projects: each test file waits for its claim on the shared
// clusters (test/cluster/schedule.ts) before it is even imported (some read the cluster's state as
// they are collected), and gives it back after its last hook.
import { afterAll, expect, inject } from 'vitest';
import { claimOf } from './schedule.ts';
import { claimSlot } from './slots.ts';

// A file that fails to import runs no hooks: its claim is then given back when this worker starts
// its next file (or exits, which closes the connection).
const worker = globalThis as { helloSlotRelease?: () => void };
worker.helloSlotRelease?.();
const file = expect.getState().testPath;
if (!file) throw new Error('slot-setup: Vitest did not say which test file this is');
const release = await claimSlot(inject('slots'), claimOf(file));
worker.helloSlotRelease = release;
// Registered before the file's own hooks, so it runs after all of them.
afterAll(() => {
  release();
  worker.helloSlotRelease = undefined;
});
