import { execFileSync } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSingleNodeSwarm } from './support/swarm.js';
import { processIsAlive } from '../src/util/process-alive.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Before any end-to-end test: compile the CLI that the tests run as a child process, make sure a Docker
 * engine runs, build the runner images (fast when they are current) and make the engine a one-node swarm.
 * After them: put the swarm back as it was, and remove the timing histories and server token files the test runs wrote (see
 * support/cli.ts).
 */
export default function setup(): () => Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  execFileSync('bash', ['docker/build-images.sh'], { cwd: root, stdio: 'inherit' });
  execFileSync('bash', ['docker/build-images.sh', '--suite', 'test/fixtures/suite', '--tag', 'baleen-test-runner'], {
    cwd: root,
    stdio: 'inherit',
  });
  // The swarm runtime's tests need the engine to be a swarm manager; a swarm made here is left afterwards.
  // BALEEN_TEST_SWARM=off leaves the engine alone, for a developer running only non-swarm files on an engine
  // of their own (the swarm tests then fail).
  const restoreSwarm = process.env.BALEEN_TEST_SWARM === 'off' ? () => undefined : ensureSingleNodeSwarm();
  return async () => {
    restoreSwarm();
    // Only those of test processes that are gone: another vitest run on this machine may be using its own.
    const leftovers = (await readdir(tmpdir())).filter((name) => {
      const match = /^baleen-test-(?:timings|token)-(\d+)/.exec(name);
      return match !== null && !processIsAlive(Number(match[1]));
    });
    await Promise.all(leftovers.map((name) => rm(join(tmpdir(), name), { force: true, recursive: true })));
  };
}
