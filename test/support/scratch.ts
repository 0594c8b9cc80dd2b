import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { expectNoContainersLeft } from './docker.js';
import { expectNoServicesLeft } from './swarm.js';

export interface Scratch {
  /** The folder, made before the file's tests and removed after them. */
  readonly dir: string;
  /** A path inside it. */
  path(name: string): string;
  /** A fresh report dir for one run. */
  reportDir(): string;
}

/**
 * The hooks every end-to-end file needs: a scratch folder for reports and timing files, and after each test
 * the check that no swarm service or container of baleen's is left (see expectNoContainersLeft). Call it at the top of a file,
 * before hooks that use the folder.
 */
export function useScratch(prefix: string): Scratch {
  let dir = '';
  let runs = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => {
    expect(expectNoServicesLeft()).toEqual([]);
    expect(expectNoContainersLeft()).toEqual([]);
  });
  return {
    get dir() {
      return dir;
    },
    path: (name) => join(dir, name),
    reportDir: () => join(dir, `report-${++runs}`),
  };
}
