import { WebSocket } from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/protocol/messages.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { CliProcess, runCli, startServerProcess } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE, baleenContainers, expectNoContainersLeft } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-survive-');

let serverProcess: CliProcess | undefined;
afterEach(async () => {
  await serverProcess?.stop('SIGTERM');
  serverProcess = undefined;
  expect(expectNoContainersLeft()).toEqual([]);
});

/** Sends one raw message and resolves with the server's first answer. */
async function ask(
  url: string,
  token: string | undefined,
  message: unknown,
): Promise<{ type: string; code?: string; message?: string }> {
  const socket = new WebSocket(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const answer = new Promise<string>((resolve, reject) => {
    socket.once('message', (data: Buffer) => resolve(data.toString()));
    socket.once('close', (code) => reject(new Error(`closed with ${code} before answering`)));
  });
  socket.send(JSON.stringify(message));
  try {
    return JSON.parse(await answer) as { type: string; code?: string; message?: string };
  } finally {
    socket.terminate();
  }
}

const submit = (image: string) => ({
  v: PROTOCOL_VERSION,
  type: 'run.submit',
  requestId: 'B',
  spec: { image, features: ['x'], concurrency: 1 },
});

describe('one hostile message against a real `baleen server` process', () => {
  it('answers the image ".." (which the engine answers with a redirect) with an error and keeps serving', async () => {
    const started = await startServerProcess({ cwd: FIXTURE_SUITE, args: ['--token', 'survive-token'] });
    serverProcess = started.process;
    for (const image of [
      '..',
      '../../etc',
      'baleen-x/../../y',
      'UPPER',
      'a'.repeat(300),
      'x:',
      '/abs',
      'img@sha256:short',
    ]) {
      const answer = await ask(started.url, 'survive-token', submit(image));
      expect(answer, image).toMatchObject({ type: 'error', code: 'BAD_MESSAGE' });
      expect(answer.message, image).toMatch(/image/);
    }
    // Still alive, and still running real suites.
    const result = await runCli(
      [
        'cucumber',
        '--server',
        started.url,
        '--token',
        'survive-token',
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--report-dir',
        scratch.reportDir(),
      ],
      { cwd: FIXTURE_SUITE },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(serverProcess.child.exitCode).toBeNull();
  });

  it('the engine\'s redirect for a path like ".." becomes a rejected call, not an unhandled error event', async () => {
    // Below the protocol's validation: the runtime itself must not let docker-modem follow the redirect.
    await expect(new DockerRuntime().checkImage('..')).rejects.toMatchObject({ name: 'BaleenError' });
  });
});

describe('the CLI with a hostile --image', () => {
  it('prints one line naming the image grammar and exits 2, no stack trace', async () => {
    const result = await runCli(
      ['cucumber', '--image', '..', '--files', 'features/pass.feature', '--report-dir', scratch.reportDir()],
      { cwd: FIXTURE_SUITE },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^baleen: .*image.*"\.\."/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

/**
 * A real server process on the real engine, with one fault injected into its (real) Docker runtime: a
 * container whose env says BALEEN_FAULT=run makes the runtime throw where nobody catches, on that run's
 * behalf; SIGUSR2 throws outside any run. What the last-resort guard does is what the process does.
 */
const DIST = new URL('../../dist/', import.meta.url).pathname;
const FAULT_SERVER = `
import { startServer } from '${DIST}server/baleen-server.js';
import { DockerRuntime } from '${DIST}runtime/docker/docker-runtime.js';
import { createLogger } from '${DIST}server/logger.js';
import { guardServerProcess } from '${DIST}server/last-resort-guard.js';
const runtime = new DockerRuntime();
const create = runtime.create.bind(runtime);
runtime.create = async (spec) => {
  const container = await create(spec);
  if (spec.env.BALEEN_FAULT === 'run') setTimeout(() => { throw new Error('injected fault in a run'); }, 500);
  return container;
};
const logger = createLogger('info');
const server = await startServer({ host: '127.0.0.1', port: 0, token: 'fault-token', runtime, logger });
guardServerProcess(server, logger);
process.on('SIGUSR2', () => setTimeout(() => { throw new Error('injected fault outside any run'); }));
process.stdout.write('listening on ' + server.url + '\\n');
`;

describe('an error nobody caught, in a real server process', () => {
  it('in one run: that run is cancelled and its container removed, the others go on; outside any run: every container removed, exit 3', async () => {
    const server = new CliProcess([], { cwd: FIXTURE_SUITE, node: ['--input-type=module', '-e', FAULT_SERVER] });
    const url = (await server.waitFor(/listening on (ws:\/\/\S+)/))[1]!;
    const client = (env: string[]) =>
      new CliProcess(
        [
          'cucumber',
          '--server',
          url,
          '--token',
          'fault-token',
          '--image',
          TEST_IMAGE,
          '--files',
          'features/pass.feature',
          '--command',
          'exec sleep 600',
          ...env,
          '--report-dir',
          scratch.reportDir(),
        ],
        { cwd: FIXTURE_SUITE },
      );
    const steady = client([]);
    await vi.waitFor(() => expect(baleenContainers()).toHaveLength(1), { timeout: 30_000, interval: 200 });
    const [steadyContainer] = baleenContainers();

    const faulty = await client(['--env', 'BALEEN_FAULT=run']).done;
    // Cancelled by the server, as at its shutdown: the client reports the run interrupted.
    expect(faulty.code, faulty.stderr).toBe(130);
    expect(server.stderr).toMatch(/"runId":"[^"]+".*unexpected error in a run: cancelling that run/);
    expect(server.child.exitCode).toBeNull();
    // Only the faulty run's container went.
    expect(baleenContainers()).toEqual([steadyContainer]);

    server.child.kill('SIGUSR2');
    const ended = await server.done;
    expect(ended.code).toBe(3);
    expect(ended.stderr).toMatch(/unexpected error: cancelling every run, removing their containers, then exiting/);
    expect(baleenContainers()).toEqual([]);
    const steadyEnd = await steady.done;
    expect(steadyEnd.code, steadyEnd.stderr).toBe(130);
  });
});
