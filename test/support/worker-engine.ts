import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { afterAll, inject } from 'vitest';
import { processIsAlive } from '../../src/util/process-alive.js';
import type { TestEngine } from './swarm-cluster.js';

/**
 * Each e2e test file runs on an engine of its own (test/global-setup.ts starts one per file the project runs
 * at once): it takes a free one before it is imported, so that every `docker` command and every baleen process
 * it starts goes there, and gives it back after its last hook. Taken by creating the engine's lease file, which
 * names this process: one left by a process that is gone (a crash) is free. Not by VITEST_POOL_ID, which vitest
 * 4.1 may give two running files alike when a group of projects ends and the next starts.
 */
function take(engines: TestEngine[]): TestEngine {
  for (const engine of engines) {
    try {
      const fd = openSync(engine.lease, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return engine;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (processIsAlive(Number(readFileSync(engine.lease, 'utf8')))) continue;
      rmSync(engine.lease, { force: true });
      return take(engines);
    }
  }
  throw new Error(`all ${engines.length} e2e engines are taken by running test files`);
}

const engine = take(inject('testEngines'));
process.env.DOCKER_HOST = engine.host;
afterAll(() => rmSync(engine.lease, { force: true }));
