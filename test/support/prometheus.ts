import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './host.js';

/** Polls `check` until it returns a value (not undefined), failing after the deadline with `what`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface Prometheus {
  /** The value of an instant query's single sample, or undefined when it has none. */
  query(expression: string): Promise<number | undefined>;
  /** The scrape target's health as Prometheus sees it ('up', 'down', 'unknown') and its last error. */
  target(): Promise<{ health: string; lastError: string } | undefined>;
  stop(): Promise<void>;
}

/**
 * Debian's Prometheus (apt `prometheus`, installed by .ci/run), scraping one target every second with a
 * bearer token, its data in `dir`. Resolves once it is ready.
 */
export async function startPrometheus(options: { dir: string; target: string; token: string }): Promise<Prometheus> {
  const config = join(options.dir, 'prometheus.yml');
  await writeFile(
    config,
    [
      'global: { scrape_interval: 1s, scrape_timeout: 1s }',
      'scrape_configs:',
      '  - job_name: baleen',
      `    authorization: { type: Bearer, credentials: "${options.token}" }`,
      `    static_configs: [{ targets: ["${options.target}"] }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(options.dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const api = `http://127.0.0.1:${port}`;
  await eventually(
    async () => ((await fetch(`${api}/-/ready`)).ok ? true : undefined),
    `prometheus ready (log: ${log})`,
  );
  return {
    async query(expression) {
      const body = (await (await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expression)}`)).json()) as {
        data: { result: { value: [number, string] }[] };
      };
      const sample = body.data.result[0];
      return sample === undefined ? undefined : Number(sample.value[1]);
    },
    async target() {
      const body = (await (await fetch(`${api}/api/v1/targets`)).json()) as {
        data: { activeTargets: { health: string; lastError: string }[] };
      };
      return body.data.activeTargets[0];
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
