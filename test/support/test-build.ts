import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processIsAlive } from '../../src/util/process-alive.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The images the end-to-end tests run, built on the Docker engine (and loaded into a Podman service from there). */
export const TEST_IMAGES = ['baleen-example', 'baleen-test-runner'] as const;
/** What docker/build-images.sh builds them on: an engine holding these builds a test's suite image without rebuilding them. */
export const BASE_IMAGES = ['baleen/node-base:20', 'baleen/cucumber-runner:12'] as const;

/**
 * Compiles the CLI the tests run as a child process and builds the runner images on the Docker engine
 * (fast when they are current). The e2e and podman projects start together (`npm test` runs them at once):
 * one builds while the other waits on the lock, then finds everything current. dist/ is not compiled again
 * when its sources did not change, since the other project's tests may be running it.
 */
export function buildForTests(): void {
  // One lock per checkout: another clone on this machine builds its own dist/ (and, on its engine, its images).
  const lock = join(tmpdir(), `baleen-test-build-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.lock`);
  const steps = [
    '[ "$(cat dist/.test-build-stamp 2>/dev/null)" = "$1" ] || { npm run --silent build && echo "$1" > dist/.test-build-stamp; }',
    'bash docker/build-images.sh',
    'bash docker/build-images.sh --suite test/fixtures/suite --tag baleen-test-runner',
  ].join(' && ');
  execFileSync('flock', [lock, 'sh', '-c', steps, 'sh', sourcesHash()], { cwd: root, stdio: 'inherit' });
}

/** What dist/ is built from: every file under src/, the compiler's settings and the bundle's, by content. */
function sourcesHash(): string {
  const hash = createHash('sha256');
  const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .map((name) => join(root, 'src', name))
    .filter((path) => statSync(path).isFile());
  for (const file of [
    ...files.sort(),
    ...['tsconfig.json', 'tsconfig.build.json', 'scripts/bundle-cli.mjs'].map((name) => join(root, name)),
  ])
    hash.update(file).update(readFileSync(file));
  return hash.digest('hex');
}

/** The timing histories and server token files test runs wrote (see cli.ts), of test processes that are gone. */
export async function removeTestLeftovers(): Promise<void> {
  // Only those of test processes that are gone: another vitest run on this machine may be using its own.
  const leftovers = (await readdir(tmpdir())).filter((name) => {
    const match = /^baleen-test-(?:timings|token)-(\d+)/.exec(name);
    return match !== null && !processIsAlive(Number(match[1]));
  });
  await Promise.all(leftovers.map((name) => rm(join(tmpdir(), name), { force: true, recursive: true })));
}
