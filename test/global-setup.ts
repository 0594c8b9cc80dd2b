import { execFileSync } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Before any end-to-end test: compile the CLI that the tests run as a child process, make sure a Docker
 * engine runs, and build the runner images (fast when they are current). After them: remove the timing
 * histories the test runs wrote (see support/cli.ts).
 */
export default function setup(): () => Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  execFileSync('bash', ['docker/build-images.sh'], { cwd: root, stdio: 'inherit' });
  execFileSync('bash', ['docker/build-images.sh', '--suite', 'test/fixtures/suite', '--tag', 'baleen-test-runner'], { cwd: root, stdio: 'inherit' });
  return async () => {
    const leftovers = (await readdir(tmpdir())).filter((name) => name.startsWith('baleen-test-timings-'));
    await Promise.all(leftovers.map((name) => rm(join(tmpdir(), name), { force: true })));
  };
}
