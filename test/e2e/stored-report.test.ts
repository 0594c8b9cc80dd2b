import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, useStoringServer } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { summaryOf } from '../support/run-summary.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-stored-report-');
const token = 'stored-report-token-0123456789';
const server = useStoringServer(scratch, token);

const files = (dir: string) => readdir(dir, { recursive: true }).then((names) => names.sort());

describe('baleen report RUN (issue 19, item 6)', () => {
  it('downloads every file the store lists, dotfiles included', async () => {
    const reportDir = scratch.reportDir();
    const make =
      "mkdir -p shots && : > shots/.gitkeep && printf 'seen' > shots/.hidden.txt && printf 'shown' > shots/a.txt";
    const run = await runCli(
      [
        'cucumber',
        '--server',
        server.url,
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--before-command',
        make,
        '--collect',
        'shots/',
        '--report-dir',
        reportDir,
      ],
      { cwd: FIXTURE_SUITE, env: { BALEEN_TOKEN: token } },
    );
    expect(run.code, run.stderr).toBe(0);
    const { runId } = await summaryOf(reportDir);

    const downloaded = scratch.path('downloaded');
    const report = await runCli(['report', runId, '--server', server.url, '--report-dir', downloaded], {
      cwd: scratch.dir,
      env: { BALEEN_TOKEN: token },
    });
    expect(report.code, report.stderr).toBe(0);
    const stored = join(scratch.path('data'), 'runs', runId);
    expect(await files(downloaded)).toEqual(
      ['.baleen-manifest.json', ...(await files(stored)).filter((name) => name !== 'run.json')].sort(),
    );
    const shots = join(downloaded, 'artifacts/features/pass.feature/shots');
    expect(await readFile(join(shots, '.gitkeep'), 'utf8')).toBe('');
    expect(await readFile(join(shots, '.hidden.txt'), 'utf8')).toBe('seen');
    expect(await readFile(join(shots, 'a.txt'), 'utf8')).toBe('shown');
  });

  describe('against a server that lists a file it then does not serve', () => {
    let fake: Server;
    let fakeUrl: string;
    const runId = '11111111-1111-4111-8111-111111111111';
    beforeAll(async () => {
      // Not a baleen server: one that breaks mid-download, which a real one does only when a file vanishes.
      fake = createServer((request, response) => {
        if (request.url === `/api/runs/${runId}`) {
          const run = { runId, status: 'passed', image: 'x', features: 1, startedAt: new Date().toISOString() };
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ run, features: [], files: ['a.txt', 'b/c.txt', 'missing.txt'] }));
        } else if (request.url === `/runs/${runId}/a.txt` || request.url === `/runs/${runId}/b/c.txt`) {
          response.end('content');
        } else {
          response.writeHead(404).end('not found');
        }
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      fakeUrl = `ws://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => fake.close(resolve)));

    it('fails with exit 3 and leaves nothing behind: no staging folder, no partial report', async () => {
      const fresh = scratch.path('fresh');
      const report = await runCli(['report', runId, '--server', fakeUrl, '--report-dir', fresh], {
        cwd: scratch.dir,
        env: { BALEEN_TOKEN: token },
      });
      expect(report.code, report.stderr).toBe(3);
      expect(report.stderr).toMatch(/refused \/runs\/.*\/missing\.txt \(HTTP 404\)/);
      await expect(readdir(fresh)).rejects.toThrow(/ENOENT/);

      // Over a report a run wrote before: that report stays whole and alone.
      const previous = scratch.reportDir();
      const run = await runCli(
        ['cucumber', '--image', TEST_IMAGE, '--files', 'features/pass.feature', '--report-dir', previous],
        { cwd: FIXTURE_SUITE },
      );
      expect(run.code, run.stderr).toBe(0);
      const before = await files(previous);
      const again = await runCli(['report', runId, '--server', fakeUrl, '--report-dir', previous], {
        cwd: scratch.dir,
        env: { BALEEN_TOKEN: token },
      });
      expect(again.code, again.stderr).toBe(3);
      expect(await files(previous)).toEqual(before);
      expect(before.filter((name) => name.startsWith('.baleen-staging'))).toEqual([]);
    });
  });
});
