import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Before any test: compile the CLI that the end-to-end tests run as a child process, make sure a Docker
 * engine runs, and build the runner images (fast when they exist already).
 */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  execFileSync('bash', ['docker/build-images.sh'], { cwd: root, stdio: 'inherit' });
  execFileSync('bash', ['docker/build-images.sh', '--suite', 'test/fixtures/suite', '--tag', 'baleen-test-runner'], { cwd: root, stdio: 'inherit' });
}
