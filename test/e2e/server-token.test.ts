import { execFileSync } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { CliProcess, runCli, startServerProcess } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE, baleenContainers, expectNoContainersLeft } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

/** Another local user, denied the Docker socket: it must not reach the engine through a baleen server either. */
const NOBODY = { uid: 65534, gid: 65534 };
const scratch = useScratch('baleen-token-');
const running: CliProcess[] = [];
/** The stranger's report folders: in /tmp, since it may not enter the scratch folder. */
const strangerFolders: string[] = [];
afterAll(() => Promise.all(strangerFolders.map((folder) => rm(folder, { recursive: true, force: true }))));
afterEach(async () => {
  await Promise.all(running.splice(0).map((process) => process.stop('SIGTERM')));
  expect(expectNoContainersLeft()).toEqual([]);
});

/** A `baleen cucumber --server URL` as the stranger, reports in a folder it may write. */
function strangerRun(url: string, tokenFile: string) {
  const reports = `/tmp/baleen-stranger-${process.pid}-${Math.random().toString(36).slice(2)}`;
  strangerFolders.push(reports, `${reports}.timings.json`);
  return runCli(
    [
      'cucumber',
      '--server',
      url,
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      '--report-dir',
      reports,
      '--timings',
      `${reports}.timings.json`,
    ],
    {
      cwd: FIXTURE_SUITE,
      user: NOBODY,
      env: { HOME: '/tmp', BALEEN_TOKEN: '', BALEEN_TOKEN_FILE: tokenFile },
    },
  );
}

describe('every server has a secret', () => {
  it("`baleen server` without --token makes one, keeps it in a file only its user can read, and its user's clients find it there; another user cannot start a container", async () => {
    const tokenFile = scratch.path('config/baleen/server-token');
    const started = await startServerProcess({
      cwd: FIXTURE_SUITE,
      env: { BALEEN_TOKEN: '', BALEEN_TOKEN_FILE: tokenFile },
    });
    running.push(started.process);
    await started.process.waitFor(new RegExp(`token in ${tokenFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(tokenFile))).mode & 0o777).toBe(0o700);

    const stranger = await strangerRun(started.url, tokenFile);
    expect(stranger.code, stranger.stderr).toBe(3);
    expect(stranger.stderr).toMatch(/refused the connection \(HTTP 401\)/);
    // Nor can it read the token by hand.
    expect(() => execFileSync('cat', [tokenFile], { uid: NOBODY.uid, gid: NOBODY.gid, stdio: 'pipe' })).toThrow();

    const owner = await runCli(
      [
        'cucumber',
        '--server',
        started.url,
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--report-dir',
        scratch.path('owner'),
      ],
      {
        cwd: FIXTURE_SUITE,
        env: { BALEEN_TOKEN: '', BALEEN_TOKEN_FILE: tokenFile },
      },
    );
    expect(owner.code, owner.stderr).toBe(0);

    // A restarted server keeps the token, so its clients (and a CI secret holding it) keep working.
    const before = execFileSync('cat', [tokenFile], { encoding: 'utf8' });
    await started.process.stop('SIGTERM');
    const again = await startServerProcess({
      cwd: FIXTURE_SUITE,
      env: { BALEEN_TOKEN: '', BALEEN_TOKEN_FILE: tokenFile },
    });
    running.push(again.process);
    expect(execFileSync('cat', [tokenFile], { encoding: 'utf8' })).toBe(before);
  });

  it('the embedded server of `baleen cucumber` takes only its own client: another user finds its port and is refused', async () => {
    const client = new CliProcess(
      [
        'cucumber',
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--command',
        'exec sleep 600',
        '--report-dir',
        scratch.path('embedded'),
      ],
      { cwd: FIXTURE_SUITE },
    );
    running.push(client);
    await vi.waitFor(() => expect(baleenContainers()).toHaveLength(1), { timeout: 30_000, interval: 200 });
    // The port is no secret: any local user can list listening sockets.
    const listening = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
    const port = new RegExp(`127\\.0\\.0\\.1:(\\d+)\\s.*pid=${client.child.pid},`).exec(listening)?.[1];
    expect(port, listening).toBeDefined();
    const url = `ws://127.0.0.1:${port}`;

    const stranger = await strangerRun(url, scratch.path('no-such-token-file'));
    expect(stranger.code, stranger.stderr).toBe(3);
    expect(stranger.stderr).toMatch(/refused the connection \(HTTP 401\)/);
    // Nor by hand, with the protocol and no token.
    const socket = new WebSocket(url).on('error', () => undefined);
    const status = await new Promise<number>((resolve) =>
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
    );
    socket.terminate();
    expect(status).toBe(401);
    expect(baleenContainers()).toHaveLength(1);

    expect((await client.stop('SIGINT')).code).toBe(130);
  });
});
