import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/protocol/messages.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { startServer, type RunningServer } from '../../src/server/baleen-server.js';
import { createLogger } from '../../src/server/logger.js';
import { TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-hostile-');
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    runtime: new DockerRuntime(),
    logger: createLogger('silent'),
    dataDir: scratch.path('data'),
  });
});
afterAll(async () => {
  await server.close();
});

interface Reply {
  type: string;
  code?: string;
  message?: string;
  runId?: string;
  status?: string;
}

/** Sends one run.submit and collects the replies until the run finished or the submit was refused. */
async function submit(spec: Record<string, unknown>): Promise<Reply[]> {
  const socket = new WebSocket(server.url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const replies: Reply[] = [];
  const ended = new Promise<void>((resolve) =>
    socket.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString()) as Reply;
      replies.push(reply);
      if (reply.type === 'error' || reply.type === 'run.finished') resolve();
    }),
  );
  socket.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'run.submit', requestId: 'r1', spec }));
  await ended;
  socket.close();
  return replies;
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

describe('a token holder names files, never host paths', () => {
  it('refuses a feature path that climbs out (issue 19, item 1) and nothing lands outside the data dir', async () => {
    // The attack of the issue, aimed at a folder of this test's instead of /tmp/x: a path that climbs from
    // the stored run's artifacts/ folder up to the root, then down into `outside/`.
    const outside = scratch.path('outside');
    const climb = `${'../'.repeat(12)}${outside.slice(1)}/x.feature`;
    const hostile = [climb, '/etc/x.feature', 'a/../../x.feature', 'a\u0000b.feature', './a/./../../x.feature'];
    for (const feature of hostile) {
      const replies = await submit({
        image: TEST_IMAGE,
        features: [feature],
        concurrency: 1,
        command: 'mkdir -p shots && echo proof > shots/proof.txt',
        collect: ['shots'],
      });
      const last = replies.at(-1)!;
      expect(last, JSON.stringify(replies)).toMatchObject({ type: 'error', code: 'BAD_MESSAGE' });
      expect(last.message).toMatch(/features\.0: .*(\.\.|absolute|NUL)/);
    }
    expect(await filesUnder(outside)).toEqual([]);
    expect(await filesUnder(join(scratch.path('data'), 'runs'))).toEqual([]);
  });
});
