import { describe, expect, it } from 'vitest';
import {
  WORKER_PATHS_ENV,
  WORKER_PROGRAM_ENV,
  workerEnv,
  workerExit,
  workerProgram,
  workerRequest,
} from '../../src/worker/worker-program.js';

describe('the warm worker program as baleen sends it', () => {
  it('fits in one environment string (Linux allows 128 kB) and carries the support paths', () => {
    const env = workerEnv(['features/', 'more features/'], '/tmp/baleen/cucumber-report.json');
    expect(Buffer.byteLength(env[WORKER_PROGRAM_ENV]!)).toBeLessThan(128 * 1024);
    expect(env[WORKER_PROGRAM_ENV]).toBe(workerProgram());
    expect(JSON.parse(env[WORKER_PATHS_ENV]!)).toEqual(['features/', 'more features/']);
  });

  it('asks with one JSON line, whatever the paths hold', () => {
    const line = workerRequest({ id: 'abc', paths: ['features/a\nb.feature', 'features/c.feature:12'] });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ id: 'abc', paths: ['features/a\nb.feature', 'features/c.feature:12'] });
  });

  it("reads only this request's exit line, on a line of its own", () => {
    const stderr = 'noise baleen-worker-abc-exit 0\nbaleen-worker-other-exit 1\nbaleen-worker-abc-exit 1\n';
    expect(workerExit(stderr, 'abc')).toBe(1);
    expect(workerExit(stderr, 'other')).toBe(1);
    expect(workerExit('baleen-worker-abc-exit 0 and more\n', 'abc')).toBeUndefined();
    expect(workerExit(stderr, 'missing')).toBeUndefined();
  });
});
