import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { goneFromThisHost, processIsAlive } from '../../src/util/process-alive.js';

describe('processIsAlive and goneFromThisHost: one answer for the reaper and the report-dir lock', () => {
  const exited = spawnSync('true').pid!;

  it('tells a live process from one that exited', () => {
    expect(processIsAlive(process.pid)).toBe(true);
    expect(processIsAlive(exited)).toBe(false);
    // pid 1 exists and is not ours to signal (EPERM) unless the test runs as root: alive either way.
    expect(processIsAlive(1)).toBe(true);
  });

  it("calls gone only a process of this host that no longer exists, never this process nor another host's", () => {
    expect(goneFromThisHost(hostname(), exited)).toBe(true);
    expect(goneFromThisHost(`${hostname()}-elsewhere`, exited)).toBe(false);
    expect(goneFromThisHost(hostname(), process.pid, () => false)).toBe(false);
  });
});
