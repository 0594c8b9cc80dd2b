import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-context-');

/** The engine these tests use, as a `docker context create --docker host=…` value. */
const engine = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';

/** A Docker CLI config folder of its own, with a context made by the real `docker context create`. */
function configWithContext(name: string, host: string, use: boolean): string {
  const dir = scratch.path(`docker-config-${name}`);
  const docker = (...args: string[]) =>
    execFileSync('docker', args, { env: { ...process.env, DOCKER_CONFIG: dir }, stdio: 'pipe' });
  docker('context', 'create', name, '--docker', `host=${host}`);
  if (use) docker('context', 'use', name);
  return dir;
}

/** An empty DOCKER_HOST is no DOCKER_HOST (as for `docker`): only the context (or the default socket) can name the engine. */
const withoutDockerHost = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...extra, DOCKER_HOST: '' });

describe('the Docker CLI context chooses the engine when DOCKER_HOST does not', () => {
  it('`docker context use` of a context on this engine: the suite runs there', async () => {
    const config = configWithContext('tests-engine', engine, true);
    const reportDir = scratch.reportDir();
    // A tag only this engine has: where the default socket is another engine, a run that ignored the
    // context would find no such image there.
    const image = `baleen-context-only:${process.pid}`;
    execFileSync('docker', ['tag', TEST_IMAGE, image]);
    try {
      const result = await runCli(
        ['cucumber', '--image', image, '--files', 'features/pass.feature', '--report-dir', reportDir],
        {
          cwd: FIXTURE_SUITE,
          env: withoutDockerHost({ DOCKER_CONFIG: config }),
        },
      );
      expect(result.code, result.stderr).toBe(0);
    } finally {
      execFileSync('docker', ['rmi', image], { stdio: 'ignore' });
    }
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.features.map((f) => [f.file, f.status])).toEqual([['features/pass.feature', 'passed']]);
  });

  it('DOCKER_CONTEXT naming a context whose engine is gone: it is that engine that is reported unreachable, not the default', async () => {
    const config = configWithContext('nowhere', 'unix:///nonexistent/baleen-context.sock', false);
    const result = await runCli(
      ['cucumber', '--image', TEST_IMAGE, '--files', 'features/pass.feature', '--report-dir', scratch.reportDir()],
      {
        cwd: FIXTURE_SUITE,
        env: withoutDockerHost({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nowhere' }),
      },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot reach the Docker engine at unix:\/\/\/nonexistent\/baleen-context\.sock/);
  });

  it('DOCKER_HOST wins over the current context', async () => {
    const config = configWithContext('elsewhere', 'unix:///nonexistent/baleen-context.sock', true);
    const result = await runCli(
      ['cucumber', '--image', TEST_IMAGE, '--files', 'features/pass.feature', '--report-dir', scratch.reportDir()],
      {
        cwd: FIXTURE_SUITE,
        env: { ...process.env, DOCKER_HOST: engine, DOCKER_CONFIG: config },
      },
    );
    expect(result.code, result.stderr).toBe(0);
  });
});
