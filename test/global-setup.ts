import type { TestProject } from 'vitest/node';
import { TestEngines, type TestEngine, removeStaleTestEngines } from './support/swarm-cluster.js';
import { processIsAlive } from '../src/util/process-alive.js';
import { BASE_IMAGES, TEST_IMAGES, buildForTests, removeTestLeftovers } from './support/test-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The e2e engines, one per file running at once (see support/worker-engine.ts). */
    testEngines: TestEngine[];
  }
}

/**
 * Before any end-to-end test: compile the CLI that the tests run as a child process, make sure a Docker
 * engine runs and build the runner images on it (fast when they are current), then start one engine per
 * worker of the project (its maxWorkers), each a one-node swarm holding those images: the files run two at
 * a time, each on an engine of its own. The engine that built the images runs no test.
 * After them: stop those engines (nothing of them may be left), and remove the timing histories and server
 * token files the test runs wrote (see support/cli.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildForTests();
  await removeStaleTestEngines((pid) => !processIsAlive(pid));
  const engines = await TestEngines.start(project.config.maxWorkers ?? 1, [...BASE_IMAGES, ...TEST_IMAGES]);
  project.provide('testEngines', engines.engines);
  return async () => {
    const left = await engines.stop();
    await removeTestLeftovers();
    if (left.length > 0) throw new Error(`the e2e engines left: ${left.join('; ')}`);
  };
}
