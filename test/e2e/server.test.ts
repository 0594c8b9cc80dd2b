import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli, startServerProcess, type CliProcess } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-server-');
let server: CliProcess;
let url: string;
const token = 'test-token-0123456789';

beforeAll(async () => {
  ({ process: server, url } = await startServerProcess({ cwd: scratch.dir, env: { BALEEN_TOKEN: token } }));
});
afterAll(async () => {
  expect((await server.stop('SIGTERM')).code).toBe(0);
});

/** The HTTP status a WebSocket upgrade gets, or 101 if it was accepted. */
function upgradeStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', reject);
  });
}

describe('baleen server as its own process', () => {
  it("runs a client's suite sent over WebSocket and streams back the results", async () => {
    const reportDir = scratch.path('report');
    const result = await runCli(
      [
        'cucumber',
        '--server',
        url,
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        'features/fail.feature',
        '--report-dir',
        reportDir,
      ],
      { cwd: FIXTURE_SUITE, env: { BALEEN_TOKEN: token } },
    );
    expect(result.code, result.stderr).toBe(1);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.features.map((f) => [f.file, f.status])).toEqual([
      ['features/fail.feature', 'failed'],
      ['features/pass.feature', 'passed'],
    ]);
  });

  it('keeps --env values out of its log and the reports', async () => {
    const secret = 's3cret-value-that-must-not-leak';
    const reportDir = scratch.path('secret-report');
    const result = await runCli(
      [
        'cucumber',
        '--server',
        url,
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--env',
        `API_KEY=${secret}`,
        '--report-dir',
        reportDir,
      ],
      { cwd: FIXTURE_SUITE, env: { BALEEN_TOKEN: token } },
    );
    expect(result.code).toBe(0);
    expect(server.stderr + server.stdout).toContain('run accepted');
    expect(server.stderr + server.stdout).not.toContain(secret);
    for (const file of ['summary.json', 'results.json', 'junit.xml', 'index.html']) {
      expect(await readFile(join(reportDir, file), 'utf8')).not.toContain(secret);
    }
  });

  it('refuses a missing or wrong token with 401 and any browser origin with 403, before reading a message', async () => {
    expect(await upgradeStatus({})).toBe(401);
    expect(await upgradeStatus({ authorization: 'Bearer wrong' })).toBe(401);
    expect(await upgradeStatus({ authorization: `Bearer ${token}`, origin: 'https://example.com' })).toBe(403);
    expect(await upgradeStatus({ authorization: `Bearer ${token}` })).toBe(101);
  });

  it('tells a client without the token how to fix it (exit 3)', async () => {
    const result = await runCli(
      [
        'cucumber',
        '--server',
        url,
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--report-dir',
        scratch.path('r2'),
      ],
      {
        cwd: FIXTURE_SUITE,
        env: { BALEEN_TOKEN: '' },
      },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/refused the connection \(HTTP 401\): pass the server's token/);
  });

  it('runs only the images its --allow-image patterns allow (exit 2 for the others)', async () => {
    const strict = await startServerProcess({ cwd: scratch.dir, args: ['--allow-image', 'registry.example/*'] });
    const result = await runCli(
      [
        'cucumber',
        '--server',
        strict.url,
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--report-dir',
        scratch.path('r3'),
      ],
      {
        cwd: FIXTURE_SUITE,
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /image "baleen-test-runner" is not allowed on this server: it accepts only registry\.example\/\*/,
    );
    expect((await strict.process.stop('SIGTERM')).code).toBe(0);
  });

  it('listens beyond loopback only with a token: without --token, the one it made, which a connection must present', async () => {
    const open = await startServerProcess({
      cwd: scratch.dir,
      args: ['--host', '0.0.0.0'],
      env: { BALEEN_TOKEN: '', BALEEN_TOKEN_FILE: scratch.path('wide/server-token') },
    });
    await open.process.waitFor(/token in .*wide\/server-token/);
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(open.url.replace('0.0.0.0', '127.0.0.1')).on('error', () => undefined);
      socket.once('open', () => resolve(101));
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    });
    expect(status).toBe(401);
    expect((await open.process.stop('SIGTERM')).code).toBe(0);
  });
});
