import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli, startServerProcess, useStoringServer } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { eventually, startPrometheus } from '../support/prometheus.js';
import { summaryOf } from '../support/run-summary.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-ci-service-');
const token = 'ci-service-token-0123456789';
const server = useStoringServer(scratch, token, ['--keep', '2']);
let base: string;

beforeAll(async () => {
  base = server.url.replace(/^ws:/, 'http:');
});

/** A GET with the path sent exactly as given (fetch would resolve `..` before sending it). */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}
const auth = { authorization: `Bearer ${token}` };

/** Runs pass.feature and fail.feature through the server; the run's id, from its summary. */
async function runSuite(): Promise<string> {
  const reportDir = scratch.reportDir();
  const result = await runCli(
    [
      'cucumber',
      '--server',
      server.url,
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      'features/fail.feature',
      '--report-dir',
      reportDir,
    ],
    {
      cwd: FIXTURE_SUITE,
      env: { BALEEN_TOKEN: token },
    },
  );
  expect(result.code, result.stderr).toBe(1);
  return (await summaryOf(reportDir)).runId;
}

describe('GET /health', () => {
  it('is 200 with the engine version, without a token', async () => {
    const health = await rawGet('/health');
    expect(health.status).toBe(200);
    const { stdout: version } = await promisify(execFile)('docker', ['version', '--format', '{{.Server.Version}}']);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', engine: { reachable: true, version: version.trim() } });
  });

  it('is 503 and says nothing more when the engine is down', async () => {
    const orphan = await startServerProcess({
      cwd: scratch.dir,
      env: { DOCKER_HOST: `unix://${scratch.path('no-engine.sock')}` },
    });
    const health = await fetch(`${orphan.url.replace(/^ws:/, 'http:')}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'unavailable', engine: { reachable: false } });
    expect((await orphan.process.stop('SIGTERM')).code).toBe(0);
  });
});

describe('GET /metrics', () => {
  it('needs the token', async () => {
    expect((await rawGet('/metrics')).status).toBe(401);
    expect((await rawGet('/metrics', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await rawGet('/metrics', { ...auth, origin: 'https://evil.example' })).status).toBe(403);
  });

  it("is scraped by Prometheus, whose query API then returns the run's counters; promtool accepts the output", async () => {
    const prometheus = await startPrometheus({ dir: scratch.path(''), target: new URL(base).host, token });
    try {
      expect(
        await eventually(
          async () => ((await prometheus.target())?.health === 'up' ? true : undefined),
          'the target is up',
          60_000,
        ),
      ).toBe(true);
      const before = (await prometheus.query('baleen_features_total{status="passed"}')) ?? 0;
      await runSuite();
      // The run counter moves last (once every feature is done): when Prometheus has it, it has the rest.
      const runs = await eventually(
        async () => {
          const value = await prometheus.query('baleen_runs_total{status="failed"}');
          return value !== undefined && value > 0 ? value : undefined;
        },
        'prometheus has the failed run',
        60_000,
      );
      expect(runs).toBe(1);
      expect(await prometheus.query('baleen_features_total{status="failed"}')).toBe(1);
      expect(await prometheus.query('baleen_features_total{status="passed"}')).toBe(before + 1);
      expect(await prometheus.query('baleen_feature_duration_seconds_count')).toBeGreaterThanOrEqual(2);
      expect(await prometheus.query('baleen_container_start_seconds_count')).toBeGreaterThanOrEqual(2);
      expect(await prometheus.query('baleen_containers_running')).toBe(0);
    } finally {
      await prometheus.stop();
    }
    const metrics = await rawGet('/metrics', auth);
    await writeFile(scratch.path('metrics.txt'), metrics.body);
    const check = await promisify(execFile)('sh', [
      '-c',
      `promtool check metrics < "${scratch.path('metrics.txt')}"; echo "exit $?"`,
    ]);
    expect(check.stdout + check.stderr).toBe('exit 0\n');
    for (const name of [
      'baleen_runs_total',
      'baleen_features_total',
      'baleen_containers_running',
      'baleen_jobs_queued',
      'baleen_capacity_slots',
      'baleen_container_start_seconds',
      'baleen_feature_duration_seconds',
      'baleen_engine_errors_total',
      'baleen_clients_connected',
    ]) {
      expect(metrics.body).toContain(`# TYPE ${name} `);
    }
  });

  it('counts a run the engine refused as an engine error by kind', async () => {
    const result = await runCli(
      [
        'cucumber',
        '--server',
        server.url,
        '--image',
        'baleen-no-such-image',
        '--files',
        'features/pass.feature',
        '--report-dir',
        scratch.reportDir(),
      ],
      {
        cwd: FIXTURE_SUITE,
        env: { BALEEN_TOKEN: token },
      },
    );
    expect(result.code).toBe(3);
    expect((await rawGet('/metrics', auth)).body).toMatch(/^baleen_engine_errors_total\{kind="image_not_found"\} 1$/m);
  });
});

describe('stored runs (--data-dir)', () => {
  it("keeps a run's report, lists it, serves it read-only and downloads it whole", async () => {
    const runId = await runSuite();
    const listed = await runCli(['runs', '--server', server.url], { cwd: scratch.dir, env: { BALEEN_TOKEN: token } });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(
        `^${runId}  failed .* 2 features \\(1 passed, 1 failed\\)  ${TEST_IMAGE}  ${base}/runs/${runId}/$`,
        'm',
      ),
    );

    const page = await rawGet(`/runs/${runId}/`, auth);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html');
    const summary = JSON.parse((await rawGet(`/runs/${runId}/summary.json`, auth)).body) as RunSummary;
    expect(summary.features.map((f) => [f.file, f.status])).toEqual([
      ['features/fail.feature', 'failed'],
      ['features/pass.feature', 'passed'],
    ]);
    expect((await rawGet(`/runs/${runId}/summary.json`)).status).toBe(401);

    const downloaded = scratch.path('downloaded');
    const report = await runCli(['report', runId, '--server', server.url, '--report-dir', downloaded], {
      cwd: scratch.dir,
      env: { BALEEN_TOKEN: token },
    });
    expect(report.code, report.stderr).toBe(0);
    const stored = join(scratch.dir, 'data', 'runs', runId);
    const files = (dir: string) => readdir(dir, { recursive: true }).then((names) => names.sort());
    // The download is a report dir like any other: baleen's manifest of what it wrote, and the run's files.
    expect(await files(downloaded)).toEqual(
      ['.baleen-manifest.json', ...(await files(stored)).filter((name) => name !== 'run.json')].sort(),
    );
    expect(await files(downloaded)).toContain('logs/features/pass.feature.stdout.log');
    for (const name of ['summary.json', 'junit.xml', 'index.html', 'logs/features/fail.feature.stderr.log']) {
      expect(await readFile(join(downloaded, name), 'utf8')).toBe(await readFile(join(stored, name), 'utf8'));
    }
  });

  it("serves nothing outside a run's folder, whatever the path says", async () => {
    await writeFile(join(scratch.dir, 'data', 'secret.txt'), 'not for the web');
    const [runId] = await readdir(join(scratch.dir, 'data', 'runs'));
    const attempts = [
      `/runs/${runId}/../../secret.txt`,
      `/runs/${runId}/%2e%2e/%2e%2e/secret.txt`,
      `/runs/${runId}/..%2f..%2fsecret.txt`,
      `/runs/${runId}/logs/..%2f..%2f..%2fsecret.txt`,
      `/runs/..%2fsecret.txt`,
      `/runs/%2e%2e/secret.txt`,
      `/runs/${runId}/%2fetc%2fpasswd`,
      `/runs/${runId}/..\\..\\secret.txt`,
      '/runs/../../../../etc/passwd',
      '/api/runs/..%2f..%2fsecret.txt',
    ];
    for (const path of attempts) {
      const response = await rawGet(path, auth);
      expect([400, 403, 404], path).toContain(response.status);
      expect(response.body, path).not.toContain('not for the web');
      expect(response.body, path).not.toContain('root:');
    }
  });

  it('keeps only the newest --keep runs', async () => {
    const ids = [await runSuite(), await runSuite()];
    const kept = await readdir(join(scratch.dir, 'data', 'runs'));
    expect(kept.sort()).toEqual([...ids].sort());
  });

  it('says which run is unknown (exit 2) and which server is unreachable (exit 3)', async () => {
    const unknown = await runCli(
      ['report', '00000000-0000-4000-8000-000000000000', '--server', server.url, '--report-dir', scratch.path('none')],
      { cwd: scratch.dir, env: { BALEEN_TOKEN: token } },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /no stored run 00000000-0000-4000-8000-000000000000 on .*: `baleen runs --server URL` lists the stored runs/,
    );
    const gone = await runCli(['runs', '--server', 'ws://127.0.0.1:1'], { cwd: scratch.dir });
    expect(gone.code).toBe(3);
    expect(gone.stderr).toMatch(/cannot reach a baleen server at http:\/\/127\.0\.0\.1:1/);
  });
});
