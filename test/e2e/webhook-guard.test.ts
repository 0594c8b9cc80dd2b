import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoredRunListSchema, type StoredRun } from '../../src/domain/stored-run.js';
import { eventually } from '../support/prometheus.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type CliProcess } from '../support/cli.js';
import { useScratch } from '../support/scratch.js';

// What a webhook sender can make the server do: without the secret, nothing but be answered; with a signed
// body captured once, nothing more than that body did the first time.
const scratch = useScratch('baleen-webhook-guard-');
const secret = 'webhook-secret-0123456789abcdef';
const token = 'webhook-token-0123456789';
let server: CliProcess;
let base: string;

/**
 * The project's repository: a server that takes git's connections and answers nothing until told, so a
 * push's fetch hangs (and the pushes behind it wait) for as long as a test needs, then fails.
 */
let repository: Server;
let repositoryUrl: string;
const held: Socket[] = [];
let holding = true;
function holdFetches(): void {
  holding = true;
}
function releaseFetches(): void {
  holding = false;
  for (const socket of held.splice(0)) socket.destroy();
}

async function startServer(args: string[] = []): Promise<void> {
  ({ process: server, url: base } = await startServerProcess({
    cwd: scratch.dir,
    env: { BALEEN_TOKEN: token, BALEEN_WEBHOOK_SECRET: secret },
    args: ['--data-dir', scratch.path('data'), '--config', scratch.path('baleen.yml'), ...args],
  }));
  base = base.replace(/^ws:/, 'http:');
}

const sign = (body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A signed push of `commit` to main, under a delivery id of the test's. */
async function push(body: string, delivery: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}/hooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': delivery,
      'x-hub-signature-256': sign(body),
    },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const payload = (commit: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ref: 'refs/heads/main', after: commit, repository: { clone_url: repositoryUrl }, ...extra });

async function storedRuns(): Promise<StoredRun[]> {
  const response = await fetch(`${base}/api/runs`, { headers: { authorization: `Bearer ${token}` } });
  return StoredRunListSchema.parse(await response.json()).runs;
}

/** The stored runs of the pushed commits, once there are `count` of them, none running. */
const settledRuns = (count: number) =>
  eventually(async () => {
    const runs = await storedRuns();
    return runs.length === count && runs.every((run) => run.status !== 'running') ? runs : undefined;
  }, `${count} stored runs`);

/** The server process's peak resident memory so far (VmHWM), in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)![1]) / 1024;
}

/**
 * A POST of `bytes` bytes to /hooks/github, sent in 1 MiB chunks with a Content-Length or chunked (so the
 * server cannot refuse it by its declared size). Resolves with the status the server answered, as soon as
 * it answers: the rest of the body may then be refused by the server, which is no error of the test's.
 */
function flood(bytes: number, headers: Record<string, string>, chunked: boolean): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      hostname,
      port,
      method: 'POST',
      path: '/hooks/github',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'd-flood',
        ...(chunked ? {} : { 'content-length': String(bytes) }),
        ...headers,
      },
    });
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', (error) => (req.writableEnded ? undefined : reject(error)));
    const chunk = Buffer.alloc(1024 * 1024, 0x7b);
    let sent = 0;
    const write = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

beforeAll(async () => {
  repository = createServer((socket) => {
    socket.on('error', () => undefined);
    if (holding) held.push(socket);
    else socket.destroy();
  });
  await new Promise<void>((resolve) => repository.listen(0, '127.0.0.1', resolve));
  repositoryUrl = `http://127.0.0.1:${(repository.address() as AddressInfo).port}/team/suite.git`;
  await writeFile(
    scratch.path('baleen.yml'),
    [
      'projects:',
      '  suite:',
      '    image: baleen-webhook-guard',
      '    files: features/',
      `    repository: ${repositoryUrl}`,
      '    branches: [main]',
      '',
    ].join('\n'),
  );
  await startServer();
});
afterAll(async () => {
  releaseFetches();
  expect((await server.stop('SIGTERM')).code).toBe(0);
  await new Promise((resolve) => repository.close(resolve));
});

describe('POST /hooks/github before the signature is checked (issue 19, item 3)', () => {
  it('eight parallel 24 MB deliveries without the secret are all refused and the server stays under 150 MB', async () => {
    const MB24 = 24 * 1024 * 1024;
    const before = await peakRssMb(server.child.pid!);
    const forged = { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` };
    const statuses = await Promise.all([
      // The attack of the issue: no signature at all.
      flood(MB24, {}, false),
      flood(MB24, {}, true),
      // A signature of the right shape, which only the body can disprove: sized, and chunked.
      ...Array.from({ length: 3 }, () => flood(MB24, forged, false)),
      ...Array.from({ length: 3 }, () => flood(MB24, forged, true)),
    ]);
    for (const status of statuses) expect([401, 413, 503]).toContain(status);
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    const peak = await peakRssMb(server.child.pid!);
    expect(peak).toBeLessThan(150);
    console.log(`server peak RSS: ${before.toFixed(1)} MB before the attack, ${peak.toFixed(1)} MB after`);
    // A signed delivery is read and answered as ever.
    const body = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const ping = await fetch(`${base}/hooks/github`, {
      method: 'POST',
      headers: {
        'x-github-event': 'ping',
        'x-github-delivery': 'd-ping',
        'x-hub-signature-256': sign(body),
      },
      body,
    });
    expect(ping.status).toBe(200);
  });
});

describe('replayed deliveries (issue 19, item 7 of what was seen)', () => {
  const X = 'a'.repeat(40);
  const Y1 = 'b'.repeat(40);
  const Y2 = 'c'.repeat(40);

  it('queues a signed body once, whatever its delivery id, and a commit once, whatever its body; across a restart too', async () => {
    const body = payload(X);
    expect(await push(body, 'd-1')).toMatchObject({ status: 202, json: { status: 'queued', commit: X, ahead: 0 } });
    for (const delivery of ['d-1', 'd-2', 'd-3'])
      expect(await push(body, delivery)).toMatchObject({ status: 200, json: { status: 'duplicate', delivery } });
    // Another body (another `before`, say) of the same commit.
    const again = await push(payload(X, { before: 'f'.repeat(40) }), 'd-4');
    expect(again).toMatchObject({
      status: 200,
      json: { status: 'duplicate', reason: expect.stringMatching(/commit/) },
    });

    // The push's fetch fails once the repository lets go: one run, stored as an error with its log (item 9).
    releaseFetches();
    const [run] = await settledRuns(1);
    expect(run).toMatchObject({ status: 'error', image: `baleen-webhook-guard:${X.slice(0, 12)}` });
    expect(run!.error).toMatch(/git fetch failed/);
    const log = await readFile(join(scratch.path('data'), 'runs', run!.runId, 'push.log'), 'utf8');
    expect(log).toMatch(/fetching main of http:\/\/127\.0\.0\.1:\d+\/team\/suite\.git/);
    expect(log).toMatch(/error: git fetch failed/);

    // A new server on the same data dir remembers.
    expect((await server.stop('SIGTERM')).code).toBe(0);
    await startServer(['--cancel-superseded']);
    expect(await push(body, 'd-5')).toMatchObject({ status: 200, json: { status: 'duplicate' } });
  });

  it('with --cancel-superseded, an old body replayed drops no newer push', async () => {
    holdFetches();
    expect(await push(payload(Y1), 'd-6')).toMatchObject({ status: 202, json: { ahead: 0 } });
    expect(await push(payload(Y2), 'd-7')).toMatchObject({ status: 202, json: { ahead: 1 } });
    // Y1's fetch hangs and Y2 waits behind it: the replay of X's old push comes now.
    expect(await push(payload(X), 'd-8')).toMatchObject({ status: 200, json: { status: 'duplicate' } });
    releaseFetches();
    const images = (await settledRuns(3)).map((run) => run.image).sort();
    expect(images).toEqual([X, Y1, Y2].map((commit) => `baleen-webhook-guard:${commit.slice(0, 12)}`));
  });
});
