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
// End-to-end tests share one engine on a small machine: each project runs its files one at a time, so no
// test's containers compete with another's and "no container left behind" can be checked after each.
const END_TO_END = { fileParallelism: false, testTimeout: 180_000, hookTimeout: 300_000, tags: TAGS };

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/global-setup.ts'], ...END_TO_END },
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
