import { execFile } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunCreated, RunDetail } from '../../src/domain/stored-run.js';
import { launchChromium } from '../support/chromium.js';
import { TEST_TOKEN_FILE, runCli, startServerProcess, type CliProcess } from '../support/cli.js';
import { TEST_IMAGE, baleenContainers, runningBaleenContainers } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-http-api-');
const token = 'http-api-token-0123456789';
let server: CliProcess;
let base: string;

beforeAll(async () => {
  let wsUrl: string;
  ({ process: server, url: wsUrl } = await startServerProcess({
    cwd: scratch.dir,
    env: { BALEEN_TOKEN: token },
    args: ['--data-dir', join(scratch.dir, 'data')],
  }));
  base = wsUrl.replace(/^ws:/, 'http:');
});
afterAll(async () => {
  expect((await server.stop('SIGTERM')).code).toBe(0);
});

const auth = { authorization: `Bearer ${token}` };

/** A request with the path sent exactly as given (fetch would normalise it first). */
function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ method, hostname, port, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text, headers: response.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The server's log lines at level error (pino: 50) or above, from its stderr so far. */
function loggedErrors(process: CliProcess): string[] {
  return process.stderr.split('\n').filter((line) => /"level":(5|6)\d/.test(line));
}

describe('the server at start and at the door', () => {
  it("prints the live page's http:// address beside the ws:// one", async () => {
    const { port } = new URL(base);
    await server.waitFor(/live page/);
    expect(server.stdout).toContain(`baleen server listening on ws://127.0.0.1:${port}\n`);
    expect(server.stdout).toContain(`baleen server live page at http://127.0.0.1:${port}/\n`);
  }, 15_000);

  it('says on the login form where the token is: the token file, or the --token it was started with', async () => {
    const withFlag = await rawRequest('GET', '/');
    expect(withFlag.status).toBe(401);
    expect(withFlag.body).toContain('--token');
    expect(withFlag.body).toContain('BALEEN_TOKEN');

    const fromFile = await startServerProcess({ cwd: scratch.dir, env: { BALEEN_TOKEN: '' } });
    try {
      const page = await fetch(`${fromFile.url.replace(/^ws:/, 'http:')}/`);
      expect(page.status).toBe(401);
      expect(await page.text()).toContain(TEST_TOKEN_FILE);
    } finally {
      expect((await fromFile.process.stop('SIGTERM')).code).toBe(0);
    }
  });

  it('answers a run id with bad percent-encoding with 400, and logs no error', async () => {
    for (const path of ['/api/runs/%E0%A4%A', '/runs/%E0%A4%A/', '/runs/%E0%A4%A/index.html', '/api/runs/%']) {
      const response = await rawRequest('GET', path, auth);
      expect(response.status, path).toBe(400);
      expect(response.body, path).toMatch(/percent-encoding/);
    }
    expect(loggedErrors(server)).toEqual([]);
  });
});

/** An HTTP call of the run API with the token, its JSON answer parsed. */
async function api<T = RunDetail>(
  method: string,
  path: string,
  body?: unknown,
  on = base,
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${on}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

/** Asks for a run's state until `done` holds of it (a real run takes seconds; the deadline fails the test). */
async function until(runId: string, done: (detail: RunDetail) => boolean, on = base): Promise<RunDetail> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { body } = await api('GET', `/api/runs/${runId}`, undefined, on);
    if (done(body)) return body;
    if (Date.now() > deadline) throw new Error(`run ${runId} never got there: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const spec = (features: string[], extra: Record<string, unknown> = {}) => ({
  image: TEST_IMAGE,
  features,
  concurrency: 1,
  ...extra,
});
/**
 * A run whose features never end by themselves. Its command runs no cucumber-js, so the image is not probed
 * and the run starts at once (a before-command would hold the probe's container too, the probe's whole minute).
 */
const HOLD = { command: 'exec sleep 600' };
const liveRunIds = async () =>
  ((await api<{ runs: { runId: string }[] }>('GET', '/api/live')).body.runs ?? []).map((run) => run.runId);

/** A run started over HTTP that followed to its end (for the prefix test). */
let finishedRunId = '';

describe('runs over HTTP (issue 19)', () => {
  it("docs/protocol.md's curl block, as it stands: starts a run, follows it to its stored report, cancels another", async () => {
    const guide = await readFile(fileURLToPath(new URL('../../docs/protocol.md', import.meta.url)), 'utf8');
    const block = /<!-- run by test\/e2e\/http-api\.test\.ts -->\n```bash\n([\s\S]*?)```/.exec(guide)?.[1];
    expect(block, 'the marked block in docs/protocol.md').toBeDefined();
    const substitutions: [RegExp, string][] = [
      [/^SERVER=\S+/m, `SERVER=${base}`],
      [/^TOKEN=.*$/m, `TOKEN=${token}`],
      [/my-runner/g, TEST_IMAGE],
    ];
    let script = block!;
    for (const [pattern, value] of substitutions) {
      expect(script, `the block has ${pattern}`).toMatch(pattern);
      script = script.replace(pattern, value);
    }
    const before = await liveRunIds();
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { timeout: 150_000 });
    expect(stdout.split('\n')).toEqual([
      'features/pass.feature passed ',
      'features/fail.feature failed Then the result is 5',
      expect.stringMatching(/^\{"features":2,"passed":1,"failed":1,/),
      'interrupted',
      '',
    ]);
    // Both runs are the server's like any other: on the live page's board and stored.
    const started = (await liveRunIds()).filter((runId) => !before.includes(runId));
    expect(started).toHaveLength(2);
    const stored = (await api<{ runs: { runId: string; status: string }[] }>('GET', '/api/runs')).body.runs;
    expect(
      stored
        .filter((run) => started.includes(run.runId))
        .map((run) => run.status)
        .sort(),
    ).toEqual(['failed', 'interrupted']);
  });

  it('answers its state while it runs (a feature running, one queued) and after, down to the failing step; the live page and /runs/ID/ show it', async () => {
    const created = await api<RunCreated>(
      'POST',
      '/api/runs',
      spec(['features/pass.feature', 'features/fail.feature'], { beforeCommand: 'sleep 2' }),
    );
    expect(created.status).toBe(201);
    const { runId } = created.body;
    expect(created.headers.get('location')).toBe(`/api/runs/${runId}`);
    expect(created.body).toEqual({
      runId,
      status: 'running',
      features: ['features/pass.feature', 'features/fail.feature'],
      concurrency: 1,
      links: { self: `/api/runs/${runId}`, live: `/#run=${runId}`, report: `/runs/${runId}/` },
    });
    expect(await liveRunIds()).toContain(runId);

    const midway = await until(runId, (detail) => detail.features.some((feature) => feature.state === 'running'));
    expect(midway.run).toMatchObject({ runId, status: 'running', image: TEST_IMAGE, features: 2 });
    expect(midway.run.totals?.unfinished).toBe(2);
    // One slot: one feature's container runs its 2 s before-command while the other waits.
    expect(midway.features.map((feature) => feature.state).sort()).toEqual(['queued', 'running']);

    const done = await until(runId, (detail) => detail.run.status !== 'running');
    expect(done.run).toMatchObject({
      status: 'failed',
      totals: { passed: 1, failed: 1, errors: 0, unfinished: 0 },
    });
    expect(done.run.finishedAt).toBeDefined();
    const [pass, fail] = done.features;
    expect(pass).toMatchObject({ file: 'features/pass.feature', state: 'done', status: 'passed', attempt: 1 });
    expect(fail).toMatchObject({
      file: 'features/fail.feature',
      status: 'failed',
      failure: { scenario: 'a wrong sum', line: 7, step: 'Then the result is 5' },
    });
    expect(fail!.failure!.message).toContain('the result is 4, not 5');
    expect(await (await fetch(`${base}${pass!.logs!.stdout}`, { headers: auth })).text()).toContain(
      '2 scenarios (2 passed)',
    );
    expect(done.files).toEqual(expect.arrayContaining(['index.html', 'summary.json', 'junit.xml']));
    const report = await fetch(`${base}/runs/${runId}/`, { headers: auth });
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('<html');
    finishedRunId = runId;
  });

  it('cancels a run: DELETE answers once its containers are gone and it is stored interrupted; again is 409, an unknown run 404', async () => {
    const { body: created } = await api<RunCreated>(
      'POST',
      '/api/runs',
      spec(['features/pass.feature', 'features/fail.feature'], HOLD),
    );
    await until(created.runId, (detail) => detail.features.some((feature) => feature.state === 'running'));
    // One slot: one container runs (the next feature's may be made ahead of its slot, idle).
    expect(runningBaleenContainers()).toHaveLength(1);
    const cancelled = await api('DELETE', `/api/runs/${created.runId}`);
    expect(cancelled.status).toBe(200);
    expect(baleenContainers()).toEqual([]);
    expect(cancelled.body.run).toMatchObject({ status: 'interrupted', totals: { passed: 0, failed: 0, cancelled: 2 } });
    expect(cancelled.body.features.map((feature) => [feature.state, feature.status])).toEqual([
      ['done', 'cancelled'],
      ['done', 'cancelled'],
    ]);
    const record = JSON.parse(await readFile(join(scratch.dir, 'data', 'runs', created.runId, 'run.json'), 'utf8'));
    expect(record.status).toBe('interrupted');

    const again = await api<{ error: { code: string } }>('DELETE', `/api/runs/${created.runId}`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('RUN_ENDED');
    expect((await api('DELETE', '/api/runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('refuses a spec run.submit would refuse, and what a web page could send (no run starts)', async () => {
    const before = await liveRunIds();
    const post = (body: string, headers: Record<string, string>) => rawRequest('POST', '/api/runs', headers, body);
    const json = { ...auth, 'content-type': 'application/json' };
    const good = JSON.stringify(spec(['features/pass.feature']));
    const refusals: [string, Promise<{ status: number; body: string }>, number, RegExp][] = [
      ['not JSON', post('{"image":', json), 400, /BAD_MESSAGE.*not valid JSON/],
      ['a traversal', post(JSON.stringify(spec(['../../etc/x.feature'])), json), 400, /BAD_MESSAGE.*features\.0/],
      [
        'an unknown field',
        post(JSON.stringify(spec(['features/pass.feature'], { mounts: ['/'] })), json),
        400,
        /mounts/,
      ],
      [
        'no concurrency',
        post(JSON.stringify({ image: TEST_IMAGE, features: ['a.feature'] }), json),
        400,
        /concurrency/,
      ],
      [
        'an image the engine lacks',
        post(JSON.stringify({ ...spec(['a.feature']), image: 'baleen-no-such-image' }), json),
        422,
        /IMAGE_NOT_FOUND/,
      ],
      ['over 16 MiB', post(`{"image":"${'x'.repeat(17 * 1024 * 1024)}"}`, json), 413, /TOO_LARGE/],
      ['no token', post(good, { 'content-type': 'application/json' }), 401, /UNAUTHORIZED/],
      [
        'text/plain, as a form or a simple request sends it',
        post(good, { ...auth, 'content-type': 'text/plain' }),
        415,
        /Content-Type: application\/json/,
      ],
      [
        'a form',
        post('token=x', { ...auth, 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        /UNSUPPORTED_MEDIA_TYPE/,
      ],
      ['another origin', post(good, { ...json, origin: 'http://evil.example' }), 403, /other origins/],
    ];
    for (const [what, answer, status, body] of refusals) {
      const { status: got, body: text } = await answer;
      expect(got, what).toBe(status);
      expect(text, what).toMatch(body);
    }
    // Signed in, a browser holds the session cookie: it reads, but does not start runs.
    const login = await rawRequest(
      'POST',
      '/login',
      { 'content-type': 'application/x-www-form-urlencoded' },
      `token=${token}`,
    );
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect((await rawRequest('GET', '/api/live', { cookie })).status).toBe(200);
    const withCookie = await post(good, { cookie, 'content-type': 'application/json' });
    expect(withCookie.status).toBe(401);
    expect(withCookie.body).toMatch(/Authorization: Bearer/);

    // A page on another origin, in a browser signed in to the server, tries what a page can.
    const page = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>
<form id="form" method="post" action="${base}/api/runs" enctype="text/plain"><input name='{"image":"${TEST_IMAGE}","features":["features/pass.feature"],"concurrency":1,"x":"' value='"}'></form>`);
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`${base}/`);
      await tab.fill('#token', token);
      await Promise.all([tab.waitForNavigation(), tab.click('button[type=submit]')]);
      expect((await context.cookies()).map((c) => c.name)).toEqual(['baleen_session']);
      await tab.goto(`http://localhost:${(page.address() as AddressInfo).port}/`);
      const tries = await tab.evaluate(
        async ({ target, body }) => {
          const attempt = (init: Record<string, unknown>) =>
            fetch(target, { method: 'POST', credentials: 'include', body, ...init }).then(
              (response) => `answered ${response.status}`,
              () => 'blocked',
            );
          return [
            await attempt({ mode: 'no-cors', headers: { 'content-type': 'text/plain' } }),
            await attempt({ mode: 'cors', headers: { 'content-type': 'application/json' } }),
          ];
        },
        { target: `${base}/api/runs`, body: good },
      );
      // The no-cors request goes out (its answer is opaque: status 0) and is refused; the JSON one never leaves.
      expect(tries).toEqual(['answered 0', 'blocked']);
      await Promise.all([
        tab.waitForNavigation(),
        tab.locator('#form').evaluate((form) => (form as unknown as { submit(): void }).submit()),
      ]);
      await context.close();
    } finally {
      await browser.close();
      page.close();
    }
    expect(await liveRunIds()).toEqual(before);
    expect(loggedErrors(server)).toEqual([]);
  });

  it('takes a run id by unique prefix in GET, /runs/ and baleen report; an ambiguous one is a one-line error listing the runs (issue 21)', async () => {
    expect(finishedRunId).not.toBe('');
    const prefix = finishedRunId.slice(0, 8);
    const shown = await api('GET', `/api/runs/${prefix}`);
    expect(shown.status).toBe(200);
    expect(shown.body.run.runId).toBe(finishedRunId);
    const redirect = await rawRequest('GET', `/runs/${prefix}/summary.json`, auth);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe(`/runs/${finishedRunId}/summary.json`);
    const downloaded = scratch.reportDir();
    const report = await runCli(['report', prefix, '--server', base, '--report-dir', downloaded], {
      cwd: scratch.dir,
      env: { BALEEN_TOKEN: token },
    });
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain(finishedRunId);
    expect(await readdir(downloaded)).toContain('summary.json');

    // Two stored runs whose ids start alike, as a data dir may hold them.
    const twins = ['abcd0000-0000-4000-8000-000000000000', 'abcd1111-0000-4000-8000-000000000000'];
    for (const runId of twins) {
      const folder = join(scratch.dir, 'data', 'runs', runId);
      await mkdir(folder, { recursive: true });
      const record = { runId, status: 'passed', image: TEST_IMAGE, features: 0, startedAt: '2026-01-01T00:00:00.000Z' };
      await writeFile(join(folder, 'run.json'), JSON.stringify(record));
    }
    const ambiguous = await runCli(['report', 'abcd', '--server', base, '--report-dir', scratch.reportDir()], {
      cwd: scratch.dir,
      env: { BALEEN_TOKEN: token },
    });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toBe(
      `baleen: run id prefix abcd matches 2 runs: ${twins.join(', ')}: give more of the run id\n`,
    );
    const files = await rawRequest('GET', '/runs/abcd/', auth);
    expect(files.status).toBe(409);
    expect(files.body).toContain(twins.join(', '));
    expect((await api('GET', '/api/runs/abcd1')).body.run.runId).toBe(twins[1]);
    expect((await rawRequest('GET', '/api/runs/abc', auth)).body).toMatch(/too short/);
  });
});

describe('runs over HTTP: limits and lifetime on a server without --data-dir', () => {
  it('keeps a finished run’s state in memory; refuses past --max-queued-features and --max-http-runs with 429; SIGTERM cancels a run no connection holds', async () => {
    const small = await startServerProcess({
      cwd: scratch.dir,
      env: { BALEEN_TOKEN: token },
      args: ['--max-http-runs', '1', '--max-queued-features', '2'],
    });
    const on = small.url.replace(/^ws:/, 'http:');
    try {
      const quick = await api<RunCreated>('POST', '/api/runs', spec(['features/pass.feature']), on);
      expect(quick.body.links).toEqual({ self: `/api/runs/${quick.body.runId}`, live: `/#run=${quick.body.runId}` });
      const done = await until(quick.body.runId, (detail) => detail.run.status !== 'running', on);
      expect(done.run.status).toBe('passed');
      expect(done.features.map((feature) => feature.status)).toEqual(['passed']);
      expect(done).not.toHaveProperty('files');

      const tooMany = await api<{ error: { code: string; message: string; hint: string } }>(
        'POST',
        '/api/runs',
        spec(['features/pass.feature', 'features/fail.feature', 'features/env.feature']),
        on,
      );
      expect(tooMany.status).toBe(429);
      expect(tooMany.body.error.hint).toMatch(/--max-queued-features/);

      const slow = await api<RunCreated>('POST', '/api/runs', spec(['features/pass.feature'], HOLD), on);
      expect(slow.status).toBe(201);
      const second = await api<{ error: { code: string; message: string; hint: string } }>(
        'POST',
        '/api/runs',
        spec(['features/fail.feature']),
        on,
      );
      expect(second.status).toBe(429);
      expect(second.body.error).toMatchObject({
        code: 'OVER_LIMIT',
        message: 'the server has 1 runs started over HTTP going, its limit',
      });
      expect(second.body.error.hint).toMatch(/--max-http-runs/);
      await until(slow.body.runId, (detail) => detail.features[0]!.state === 'running', on);
      expect(baleenContainers()).toHaveLength(1);
    } finally {
      expect((await small.process.stop('SIGTERM')).code).toBe(0);
    }
    expect(baleenContainers()).toEqual([]);
  });
});
