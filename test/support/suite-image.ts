import { execFileSync } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURE_SUITE } from './docker.js';
import { ON_PODMAN, buildEngineEnv } from './engine-under-test.js';
import { loadImages } from './podman-service.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Writes a suite into `dir` (feature files by path, plus the fixture suite's step definitions) and builds it
 * into an image named `tag` on the test engine, the way a user's suite image is built (on the Docker engine,
 * and loaded from there when the tests run on Podman). For features whose
 * names or contents a test makes up (names a repository should not hold, scenarios counted by the test).
 */
export async function buildSuiteImage(dir: string, tag: string, features: Record<string, string>): Promise<void> {
  await cp(join(FIXTURE_SUITE, 'features/step_definitions'), join(dir, 'features/step_definitions'), {
    recursive: true,
  });
  for (const [path, text] of Object.entries(features)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const env = buildEngineEnv();
  execFileSync('bash', ['docker/build-images.sh', '--suite', dir, '--tag', tag], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (ON_PODMAN) await loadImages(env.DOCKER_HOST, process.env.DOCKER_HOST!, [tag]);
}
