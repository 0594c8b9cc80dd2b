import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/protocol/messages.js';
import { type CliProcess, runCli, startServerProcess } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-limits-');
const TOKEN = 'limits-token';
let server: CliProcess | undefined;
afterEach(async () => {
  await server?.stop('SIGTERM');
  server = undefined;
});

async function open(
  url: string,
): Promise<{ socket: WebSocket; next(): Promise<{ type: string; code?: string; message?: string; hint?: string }> }> {
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  const queue: string[] = [];
  const waiting: ((raw: string) => void)[] = [];
  socket.on('message', (data: Buffer) =>
    waiting.length > 0 ? waiting.shift()!(data.toString()) : queue.push(data.toString()),
  );
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    socket,
    next: async () =>
      JSON.parse(queue.length > 0 ? queue.shift()! : await new Promise<string>((resolve) => waiting.push(resolve))) as {
        type: string;
      },
  };
}

const submit = (requestId: string, features: string[]) =>
  JSON.stringify({
    v: PROTOCOL_VERSION,
    type: 'run.submit',
    requestId,
    spec: { image: TEST_IMAGE, features, concurrency: 1, command: 'exec sleep 600' },
  });

describe("a server's limits, each refused with the flag that raises it", () => {
  it('connections: one over --max-connections is refused (the client says why), the first keeps working', async () => {
    const started = await startServerProcess({ cwd: scratch.dir, args: ['--token', TOKEN, '--max-connections', '1'] });
    server = started.process;
    const first = await open(started.url);
    const refused = await runCli(
      [
        'cucumber',
        '--server',
        started.url,
        '--token',
        TOKEN,
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--report-dir',
        scratch.reportDir(),
      ],
      { cwd: FIXTURE_SUITE },
    );
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /refused the connection: the server has 1 connections, its limit: try again later, or start it with a higher --max-connections/,
    );
    first.socket.close();
  });

  it('runs per connection and queued features: over --max-runs-per-connection and --max-queued-features, RUN_REJECTED naming the flag', async () => {
    const started = await startServerProcess({
      cwd: scratch.dir,
      args: ['--token', TOKEN, '--max-runs-per-connection', '1', '--max-queued-features', '2'],
    });
    server = started.process;
    const client = await open(started.url);
    client.socket.send(submit('too-big', ['features/pass.feature', 'features/fail.feature', 'features/env.feature']));
    const tooBig = await client.next();
    expect(tooBig).toMatchObject({ type: 'error', code: 'RUN_REJECTED' });
    expect(`${tooBig.message}: ${tooBig.hint}`).toMatch(
      /the server has 0 features queued or running, and this run's 3 would pass its limit of 2: .*--max-queued-features/,
    );

    client.socket.send(submit('first', ['features/pass.feature']));
    expect(await client.next()).toMatchObject({ type: 'run.accepted' });
    client.socket.send(submit('second', ['features/fail.feature']));
    let second = await client.next();
    while (second.type !== 'error') second = await client.next();
    expect(second).toMatchObject({ code: 'RUN_REJECTED' });
    expect(`${second.message}: ${second.hint}`).toMatch(
      /this connection already has 1 runs going, the server's limit: .*--max-runs-per-connection/,
    );

    // Another connection: within the runs limit, but the first run's feature still counts against the queue.
    const other = await open(started.url);
    other.socket.send(submit('queue-full', ['features/env.feature', 'features/fail.feature']));
    const queueFull = await other.next();
    expect(`${queueFull.message}: ${queueFull.hint}`).toMatch(
      /the server has 1 features queued or running, and this run's 2 would pass its limit of 2/,
    );
    other.socket.close();
    client.socket.close();
  });
});
