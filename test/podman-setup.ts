import { loadImages, podmanTestDir, startPodmanService } from './support/podman-service.js';
import { TEST_IMAGES, buildForTests, removeTestLeftovers } from './support/test-build.js';

/**
 * Before the podman project's tests: the CLI and the runner images as for the e2e project (built on the
 * Docker engine), then a Podman service of the tests' own with those images loaded into it. After them: the
 * service stopped and its folder (storage, socket, state) removed.
 */
export default async function setup(): Promise<() => Promise<void>> {
  buildForTests();
  const service = await startPodmanService(podmanTestDir());
  try {
    await loadImages(process.env.DOCKER_HOST, service.host, TEST_IMAGES);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return async () => {
    await service.stop();
    await removeTestLeftovers();
  };
}
