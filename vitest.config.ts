import { defineConfig } from 'vitest/config';
import { podmanHost, podmanTestDir } from './test/support/podman-service.js';

/** The end-to-end files that hold the core promises the podman project runs on Podman too (tagged `podman`). */
const PODMAN_FILES = [
  'test/e2e/verdict.test.ts',
  'test/e2e/faults.test.ts',
  'test/e2e/run-network.test.ts',
  'test/e2e/isolation-worker.test.ts',
  'test/e2e/collect.test.ts',
];
const TAGS = [{ name: 'podman', description: 'a core promise, run on a Podman service too (the podman project)' }];
// An engine runs one test file at a time, so no test's containers compete with another's and "no container
// left behind" can be checked after each.
const END_TO_END = { fileParallelism: false, testTimeout: 180_000, hookTimeout: 300_000, tags: TAGS };
/**
 * The e2e project runs this many files at once, each worker on an engine of its own that its set-up starts
 * (test/global-setup.ts): most of a file's time is spent waiting on containers, so two at once nearly halve
 * it on a 2-core machine. BALEEN_TEST_ENGINES=1 runs them one at a time, on one engine.
 */
const E2E_ENGINES = Number(process.env.BALEEN_TEST_ENGINES ?? 2);

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/support/worker-engine.ts'],
          ...END_TO_END,
          fileParallelism: E2E_ENGINES > 1,
          maxWorkers: E2E_ENGINES,
          // After the unit files, whose group runs as many workers as the machine has cores less one.
          sequence: { groupOrder: 1 },
        },
      },
      {
        // The tests tagged `podman` of those files, on a Podman service the set-up starts (its own socket and
        // storage under a temp dir) and loads the Docker engine's images into. A different engine from the
        // e2e project's: `npm test` runs both at once (test/run-projects.sh).
        test: {
          name: 'podman',
          include: PODMAN_FILES,
          globalSetup: ['test/podman-setup.ts'],
          setupFiles: ['test/support/podman-tagged-only.ts'],
          env: {
            DOCKER_HOST: podmanHost(podmanTestDir()),
            BALEEN_TEST_ENGINE: 'podman',
            // Where the images the tests build are built, to be loaded into Podman (see suite-image.ts).
            BALEEN_TEST_BUILD_HOST: process.env.DOCKER_HOST ?? '',
          },
          ...END_TO_END,
        },
      },
    ],
  },
});
