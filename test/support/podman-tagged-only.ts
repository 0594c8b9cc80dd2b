import { beforeEach } from 'vitest';

/**
 * The podman project includes whole e2e files but runs only their core promises on Podman: the tests tagged
 * `podman` (see vitest.config.ts). The rest are the e2e project's, on the Docker engine and its swarm.
 */
beforeEach((context) => {
  if (!context.task.tags?.includes('podman')) context.skip('run by the e2e project (not tagged podman)');
});
