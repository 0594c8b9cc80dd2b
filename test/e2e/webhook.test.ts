import { execFile, execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoredRunListSchema, type StoredRun } from '../../src/domain/stored-run.js';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli, startServerProcess, type CliProcess } from '../support/cli.js';
import { baleenContainers, FIXTURE_SUITE } from '../support/docker.js';
import { eventually } from '../support/prometheus.js';
import { useScratch } from '../support/scratch.js';

// Ruby baleen's CI mode end to end: a real git repository (a bare one over file://), a push signed here, the
// server fetching, building (FROM the registry-free runner image the set-up built) and running the project.
const scratch = useScratch('baleen-webhook-');
const secret = 'webhook-secret-0123456789abcdef';
const token = 'webhook-token-0123456789';
const git = promisify(execFile);
let server: CliProcess;
let base: string;
let origin: string;
let work: string;
let dataDir: string;

async function commit(message: string): Promise<string> {
  await git('git', ['-C', work, 'add', '-A']);
  await git('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', message]);
  await git('git', ['-C', work, 'push', '-q', 'origin', 'HEAD:main']);
  return (await git('git', ['-C', work, 'rev-parse', 'HEAD'])).stdout.trim();
}

function pushPayload(after: string, options: { ref?: string; cloneUrl?: string } = {}): string {
  return JSON.stringify({
    ref: options.ref ?? 'refs/heads/main',
    before: '0'.repeat(40),
    after,
    repository: { full_name: 'team/suite', clone_url: options.cloneUrl ?? origin },
  });
}

function sign(body: string, key = secret): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

async function deliver(body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`${base}/hooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': sign(body),
      ...headers,
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

async function storedRuns(): Promise<StoredRun[]> {
  const response = await fetch(`${base}/api/runs`, { headers: { authorization: `Bearer ${token}` } });
  return StoredRunListSchema.parse(await response.json()).runs;
}

/** Images the server built for pushes (labelled with their project). */
function pushImages(): string[] {
  return execFileSync('docker', ['images', '-q', '--filter', 'label=io.baleen.project'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

async function checkouts(): Promise<string[]> {
  return readdir(join(dataDir, 'checkouts')).catch(() => []);
}

beforeAll(async () => {
  origin = `file://${scratch.path('suite.git')}`;
  work = scratch.path('work');
  dataDir = scratch.path('data');
  await git('git', ['init', '-q', '--bare', '-b', 'main', scratch.path('suite.git')]);
  await git('git', ['init', '-q', '-b', 'main', work]);
  await git('git', ['-C', work, 'remote', 'add', 'origin', origin]);
  await mkdir(join(work, 'features'));
  for (const file of ['pass.feature', 'fail.feature', 'step_definitions'])
    await cp(join(FIXTURE_SUITE, 'features', file), join(work, 'features', file), { recursive: true });
  await writeFile(join(work, 'Dockerfile'), 'FROM baleen/cucumber-runner:12\nWORKDIR /suite\nCOPY . /suite/\n');
  await writeFile(
    scratch.path('baleen.yml'),
    [
      'projects:',
      '  suite:',
      '    image: baleen-webhook-suite',
      '    files: [features/pass.feature, features/fail.feature]',
      `    repository: ${origin.replace(/\.git$/, '')}`,
      '    branches: [main]',
      '    dockerfile: Dockerfile',
      '  local:',
      '    image: baleen-test-runner',
      '    files: features/',
      '',
    ].join('\n'),
  );
  ({ process: server, url: base } = await startServerProcess({
    cwd: scratch.dir,
    env: { BALEEN_TOKEN: token, BALEEN_WEBHOOK_SECRET: secret },
    args: ['--data-dir', dataDir, '--config', scratch.path('baleen.yml')],
  }));
  base = base.replace(/^ws:/, 'http:');
});
afterAll(async () => {
  expect((await server.stop('SIGTERM')).code).toBe(0);
});

describe('POST /hooks/github', () => {
  it('refuses a bad signature (401), an unknown repository (404) and a malformed body (400), and starts nothing', async () => {
    const sha = await commit('first');
    const body = pushPayload(sha);
    expect((await deliver(body, { 'x-hub-signature-256': sign(body, 'another-secret-0123456789') })).status).toBe(401);
    expect((await deliver(body, { 'x-hub-signature-256': '' })).status).toBe(401);
    expect((await deliver(`${body} `, { 'x-hub-signature-256': sign(body) })).status).toBe(401);
    const unknown = await deliver(pushPayload(sha, { cloneUrl: 'https://github.com/team/other.git' }));
    expect(unknown).toMatchObject({ status: 404, text: 'no project of this server builds that repository\n' });
    const notJson = '{"ref": "refs/heads/main",';
    expect(await deliver(notJson, { 'x-hub-signature-256': sign(notJson) })).toMatchObject({
      status: 400,
      text: 'the body is not JSON\n',
    });
    const noCommit = JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: origin } });
    expect(await deliver(noCommit, { 'x-hub-signature-256': sign(noCommit) })).toMatchObject({
      status: 400,
      text: expect.stringMatching(/^not a push event: after: /),
    });
    // Not a listed branch: answered, and nothing runs either.
    const other = await deliver(pushPayload(sha, { ref: 'refs/heads/feature-x' }));
    expect(other.status).toBe(202);
    expect(JSON.parse(other.text)).toMatchObject({ status: 'ignored', project: 'suite' });
    expect(await checkouts()).toEqual([]);
    expect(await storedRuns()).toEqual([]);
    expect(baleenContainers()).toEqual([]);
    expect(pushImages()).toEqual([]);
  });

  it('runs each pushed commit in turn: fetched, built from its Dockerfile, run, stored, and its image and checkout removed', async () => {
    const failing = (await git('git', ['-C', work, 'rev-parse', 'HEAD'])).stdout.trim();
    const delivery = randomUUID();
    const first = await deliver(pushPayload(failing), { 'x-github-delivery': delivery });
    expect(first.status, first.text).toBe(202);
    expect(JSON.parse(first.text)).toEqual({ status: 'queued', project: 'suite', commit: failing, ahead: 0 });
    // The same delivery again (a replay) is answered and does nothing.
    const replay = await deliver(pushPayload(failing), { 'x-github-delivery': delivery });
    expect(replay.status).toBe(200);
    expect(JSON.parse(replay.text)).toEqual({
      status: 'duplicate',
      delivery,
      reason: `delivery ${delivery} was received before`,
    });
    // The next commit fixes the failing scenario; its push waits for the first.
    const failSource = await readFile(join(work, 'features', 'fail.feature'), 'utf8');
    await writeFile(
      join(work, 'features', 'fail.feature'),
      failSource.replace(/Then the result is 5/, 'Then the result is 4'),
    );
    const fixed = await commit('fix the expectation');
    const second = await deliver(pushPayload(fixed));
    expect(JSON.parse(second.text)).toEqual({ status: 'queued', project: 'suite', commit: fixed, ahead: 1 });

    const runs = await eventually(
      async () => {
        const stored = await storedRuns();
        return stored.length === 2 && stored.every((run) => run.status !== 'running') ? stored : undefined;
      },
      'both pushes run and stored',
      240_000,
    );
    const byImage = Object.fromEntries(runs.map((run) => [run.image, run]));
    expect(byImage[`baleen-webhook-suite:${failing.slice(0, 12)}`]).toMatchObject({
      status: 'failed',
      features: 2,
      totals: { passed: 1, failed: 1 },
    });
    expect(byImage[`baleen-webhook-suite:${fixed.slice(0, 12)}`]).toMatchObject({
      status: 'passed',
      features: 2,
      totals: { passed: 2, failed: 0 },
    });
    // In push order: the fixed commit's run started after the failing one's had finished.
    const failedRun = byImage[`baleen-webhook-suite:${failing.slice(0, 12)}`]!;
    const passedRun = byImage[`baleen-webhook-suite:${fixed.slice(0, 12)}`]!;
    expect(Date.parse(passedRun.startedAt)).toBeGreaterThanOrEqual(Date.parse(failedRun.finishedAt!));
    const summary = JSON.parse(
      await readFile(join(dataDir, 'runs', failedRun.runId, 'summary.json'), 'utf8'),
    ) as RunSummary;
    expect(summary.features.map((feature) => [feature.file, feature.status]).sort()).toEqual([
      ['features/fail.feature', 'failed'],
      ['features/pass.feature', 'passed'],
    ]);
    await eventually(
      async () => ((await checkouts()).length === 0 && pushImages().length === 0 ? true : undefined),
      'the images and checkouts removed',
    );
    expect(baleenContainers()).toEqual([]);
  }, 300_000);
});

describe('a push that cannot run, and the build context (issue 19, item 9)', () => {
  it('stores a push whose build fails as an error run with its log; builds the next without what .dockerignore excludes', async () => {
    await writeFile(
      join(work, 'Dockerfile'),
      'FROM baleen/cucumber-runner:12\nRUN echo the build breaks here && exit 3\n',
    );
    const broken = await commit('a Dockerfile that fails');
    expect((await deliver(pushPayload(broken))).status).toBe(202);
    const failed = await eventually(
      async () =>
        (await storedRuns()).find((run) => run.image.endsWith(broken.slice(0, 12)) && run.status !== 'running'),
      'the broken push stored',
      120_000,
    );
    expect(failed).toMatchObject({
      status: 'error',
      features: 0,
      error: expect.stringMatching(/building image .* failed/),
    });
    const log = await readFile(join(dataDir, 'runs', failed.runId, 'push.log'), 'utf8');
    expect(log).toMatch(/building Dockerfile as baleen-webhook-suite:/);
    expect(log).toMatch(/error: building image .* failed/);

    // A file the repository commits but its .dockerignore excludes: the build refuses to go on if it is sent.
    await writeFile(join(work, 'secret.txt'), 'not for the image');
    await writeFile(join(work, '.dockerignore'), 'secret.txt\n');
    await writeFile(
      join(work, 'Dockerfile'),
      'FROM baleen/cucumber-runner:12\nWORKDIR /suite\nCOPY . /suite/\nRUN test ! -e /suite/secret.txt && test -e /suite/features/pass.feature\n',
    );
    const ignoring = await commit('a .dockerignore');
    expect((await deliver(pushPayload(ignoring))).status).toBe(202);
    const built = await eventually(
      async () =>
        (await storedRuns()).find((run) => run.image.endsWith(ignoring.slice(0, 12)) && run.status !== 'running'),
      'the push with a .dockerignore stored',
      240_000,
    );
    expect(built, JSON.stringify(built)).toMatchObject({ status: 'passed', features: 2 });
    await eventually(
      async () => ((await checkouts()).length === 0 && pushImages().length === 0 ? true : undefined),
      'the images and checkouts removed',
    );
  }, 300_000);
});

describe('baleen server --webhook-secret', () => {
  it.each([
    [['--webhook-secret', secret, '--config', 'baleen.yml'], /--webhook-secret needs --data-dir/],
    [
      ['--config', 'baleen.yml', '--data-dir', 'data'],
      /--config and --cancel-superseded configure push-triggered runs, and there is no --webhook-secret/,
    ],
    [['--webhook-secret', 'short', '--data-dir', 'data'], /--webhook-secret is shorter than 16 characters/],
    [
      ['--webhook-secret', secret, '--data-dir', 'data', '--config', 'missing.yml'],
      /cannot read project file .*missing\.yml/,
    ],
  ])('refuses %j with a usage error before listening', async (args, message) => {
    const result = await runCli(['server', '--port', '0', ...args], { cwd: scratch.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).not.toContain('listening');
  });
});
