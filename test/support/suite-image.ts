import { execFileSync } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURE_SUITE } from './docker.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Writes a suite into `dir` (feature files by path, plus the fixture suite's step definitions) and builds it
 * into an image named `tag` on the test engine, the way a user's suite image is built. For features whose
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
  execFileSync('bash', ['docker/build-images.sh', '--suite', dir, '--tag', tag], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
