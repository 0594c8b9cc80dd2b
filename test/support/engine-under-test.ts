/**
 * Which engine an end-to-end test runs on: the Docker engine (the e2e project, whose set-up also makes it a
 * one-node swarm) or a Podman service (the podman project, through the Docker provider).
 */
export const ON_PODMAN = process.env.BALEEN_TEST_ENGINE === 'podman';

/** Where the images a test builds are built: the Docker engine, whichever engine the test runs on. */
export function buildEngineEnv(): NodeJS.ProcessEnv {
  if (!ON_PODMAN) return process.env;
  const env = { ...process.env };
  const host = process.env.BALEEN_TEST_BUILD_HOST;
  if (host) env.DOCKER_HOST = host;
  else delete env.DOCKER_HOST;
  return env;
}
