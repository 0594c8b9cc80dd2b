import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { startServer, type RunningServer } from '../../src/server/baleen-server.js';
import { PROTOCOL_VERSION } from '../../src/protocol/messages.js';
import { createLogger } from '../../src/server/logger.js';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE, baleenContainers, waitForNoBaleenContainers } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-fuzz-');
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    runtime: new DockerRuntime(),
    logger: createLogger('silent'),
  });
});
afterAll(async () => {
  await server.close();
});

// A deterministic generator, so a failure can be replayed.
function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const validSubmit = {
  v: PROTOCOL_VERSION,
  type: 'run.submit',
  requestId: 'fuzz',
  spec: { image: 'baleen-fuzz-no-such-image', features: ['a.feature'], concurrency: 1 },
};

/** Not image references: each must be answered with an error before the engine sees it (`..` once crashed the server). */
const HOSTILE_IMAGES = [
  '..',
  '.',
  '../../etc',
  'baleen-x/../../y',
  'x/../../../containers/json',
  '%2e%2e',
  'a?all=1',
  'a#frag',
  'UPPER',
  '/abs',
  'x:',
  '@sha256:1',
  'a'.repeat(600),
  'a'.repeat(300),
  `a${'-'.repeat(510)}!`,
  'ubuntu\u0000',
  'ubuntu\n',
  'http://evil.example/x',
];
const HOSTILE_PATHS = [
  '../../etc/passwd',
  '/etc/shadow',
  'a\u0000b',
  '$(touch /tmp/pwned)',
  '`id`',
  'x'.repeat(5000),
  '\n\r',
  '*',
  '-rf /',
];

function mutate(rand: () => number): string | Buffer {
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)]!;
  const junk = () =>
    pick<unknown>([
      null,
      0,
      -1,
      1e308,
      '',
      'x'.repeat(Math.floor(rand() * 5000)),
      [],
      {},
      true,
      { v: PROTOCOL_VERSION },
      ['a'],
      '\u0000\uffff',
    ]);
  const message = structuredClone(validSubmit) as Record<string, unknown> & { spec: Record<string, unknown> };
  switch (Math.floor(rand() * 11)) {
    case 0:
      return Buffer.from(Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
    case 1:
      return JSON.stringify(junk());
    case 2:
      message[pick(['v', 'type', 'requestId', 'spec'])] = junk();
      break;
    case 3:
      message.spec[pick(['image', 'features', 'concurrency', 'command', 'env', 'reportPath', 'workDir'])] = junk();
      break;
    case 4:
      delete message[pick(['v', 'type', 'requestId', 'spec'])];
      break;
    case 5:
      message.type = pick(['run.cancel', 'run.explode', 'feature.result', 'error', '']);
      message.runId = junk();
      break;
    case 6:
      return JSON.stringify(message).slice(0, Math.floor(rand() * 80));
    case 7:
      message.spec.privileged = true;
      message.spec.binds = ['/:/host'];
      break;
    case 8:
      message.spec.image = pick(HOSTILE_IMAGES);
      break;
    case 9:
      message.spec[pick(['features', 'reportPath', 'workDir'])] = pick([[pick(HOSTILE_PATHS)], pick(HOSTILE_PATHS)]);
      break;
    default:
      message.spec.features = Array.from({ length: Math.floor(rand() * 50) }, () => junk());
      break;
  }
  return JSON.stringify(message);
}

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(server.url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

const closed = (socket: WebSocket) => new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

describe('the server under hostile input', () => {
  it('answers thousands of random and mutated messages with errors, cuts off floods and giant frames, then runs a real job', async () => {
    const rand = random(20261123);
    let errors = 0;
    // Paced clients: each sends what it may (under the per-connection budget) and reads every answer.
    for (let client = 0; client < 20; client++) {
      const socket = await connect();
      // Every message is answered, exactly once: wait for all 150 answers before the next client.
      const answered = new Promise<void>((resolve) => {
        let replies = 0;
        socket.on('message', (data) => {
          const reply = JSON.parse(data.toString()) as { type: string };
          if (reply.type === 'error') errors++;
          if (++replies === 150) resolve();
        });
      });
      for (let i = 0; i < 150; i++) socket.send(mutate(rand));
      await answered;
      socket.close();
      await closed(socket);
    }
    expect(errors).toBe(3000);

    // A flood is cut off with 1008; a frame over the limit with 1009.
    const flooder = await connect();
    const floodClosed = closed(flooder);
    for (let i = 0; i < 2000 && flooder.readyState === WebSocket.OPEN; i++) flooder.send('{}');
    expect(await floodClosed).toBe(1008);
    const giant = await connect();
    const giantClosed = closed(giant);
    giant.send('x'.repeat(17 * 1024 * 1024));
    expect(await giantClosed).toBe(1009);

    expect(baleenContainers()).toEqual([]);
    const dir = scratch.path('after-fuzz');
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
        dir,
      ],
      { cwd: FIXTURE_SUITE },
    );
    expect(result.code, result.stderr).toBe(1);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.totals).toMatchObject({ features: 2, passed: 1, failed: 1 });
    expect(baleenContainers()).toEqual([]);
  });

  it('answers huge and deeply nested values with an error, each in turn, and still runs a real job', async () => {
    const socket = await connect();
    const replies: { type: string; code?: string }[] = [];
    socket.on('message', (data: Buffer) =>
      replies.push(JSON.parse(data.toString()) as { type: string; code?: string }),
    );
    const spec = validSubmit.spec;
    const hostile = [
      // 4 million nested arrays, just under the frame limit: JSON.parse runs out of stack, which must be caught.
      '['.repeat(4_000_000) + ']'.repeat(4_000_000),
      // 100 000 nested objects where a string belongs (written as text: this side's JSON.parse would overflow too).
      JSON.stringify({ ...validSubmit, spec: { ...spec, env: { A: 'NESTED' } } }).replace(
        '"NESTED"',
        `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
      ),
      JSON.stringify({ ...validSubmit, spec: { ...spec, image: 'a'.repeat(15 * 1024 * 1024) } }),
      JSON.stringify({
        ...validSubmit,
        spec: { ...spec, features: Array.from({ length: 200_000 }, (_, i) => `f${i}`) },
      }),
      JSON.stringify({
        ...validSubmit,
        spec: { ...spec, env: Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`K${i}`, 'v'])) },
      }),
      JSON.stringify({ ...validSubmit, spec: { ...spec, concurrency: 1e308 } }),
    ];
    for (const [index, message] of hostile.entries()) {
      socket.send(message);
      await vi.waitFor(() => expect(replies).toHaveLength(index + 1), { timeout: 30_000, interval: 50 });
      expect(replies[index], `message ${index}`).toMatchObject({ type: 'error', code: 'BAD_MESSAGE' });
    }
    socket.close();
    await closed(socket);
    const dir = scratch.path('after-hostile-values');
    const result = await runCli(
      [
        'cucumber',
        '--server',
        server.url,
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--report-dir',
        dir,
      ],
      { cwd: FIXTURE_SUITE },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(baleenContainers()).toEqual([]);
  });

  it('cuts off a client that never reads, cancelling its run, and keeps serving', async () => {
    const socket = await connect();
    // Stop reading at the TCP level: the server's sends pile up in its buffer for this connection.
    (socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const endless = {
      image: TEST_IMAGE,
      features: ['features/pass.feature'],
      concurrency: 1,
      command: 'yes baleen-endless-output',
    };
    socket.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'run.submit', requestId: 'never-reads', spec: endless }));
    // The container prints forever; only the server dropping this client (and so cancelling its run) ends it.
    await waitForNoBaleenContainers(120_000, { afterAtLeastOne: true });
    socket.terminate();
    await vi.waitFor(() => expect(server.admission.liveRuns).toBe(0), { timeout: 10_000 });
  });
});

describe('a client that stops answering pings (its machine froze, its network vanished)', () => {
  it('is dropped at the next heartbeat and its run cancelled, though it sent nothing wrong and nothing waits for it', async () => {
    const watchful = await startServer({
      host: '127.0.0.1',
      port: 0,
      runtime: new DockerRuntime(),
      logger: createLogger('silent'),
      heartbeatMs: 300,
    });
    try {
      const socket = new WebSocket(watchful.url);
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const silent = {
        image: TEST_IMAGE,
        features: ['features/pass.feature'],
        concurrency: 1,
        command: 'exec sleep 600',
      };
      // Its container runs first (a client dropped sooner would never have had its run started).
      const running = new Promise<void>((resolve) =>
        socket.on('message', (data: Buffer) => {
          const message = JSON.parse(data.toString()) as { type: string; state?: string };
          if (message.type === 'feature.state' && message.state === 'running') resolve();
        }),
      );
      socket.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'run.submit', requestId: 'frozen', spec: silent }));
      await running;
      expect(baleenContainers()).toHaveLength(1);
      // No more reads at the TCP level: pings go unanswered. The container prints nothing, so no buffer fills up:
      // only the heartbeat can find this client gone.
      (socket as unknown as { _socket: { pause(): void } })._socket.pause();
      await waitForNoBaleenContainers(30_000);
      // The run settles just after its last container is gone.
      await vi.waitFor(() => expect(watchful.admission.liveRuns).toBe(0), { timeout: 10_000 });
      socket.terminate();
    } finally {
      await watchful.close();
    }
  });
});
