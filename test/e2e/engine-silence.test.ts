import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE, baleenContainers } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-engine-silence-');

/** The engine these tests run against (the global set-up's), as a socket path. */
function engineSocket(): string {
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (!host.startsWith('unix://')) throw new Error(`these tests proxy a unix socket engine, not ${host}`);
  return host.slice('unix://'.length);
}

const START = /^(\/v[\d.]+)?\/containers\/[^/]+\/start(\?|$)/;

/**
 * A proxy in front of the real engine that forwards every request but a container's start, which it never
 * answers: an engine that took the call and never came back (seen after a disk-full incident).
 */
async function silentStartProxy(path: string): Promise<{ server: Server; starts: () => number }> {
  const target = engineSocket();
  let starts = 0;
  const server = createServer((req, res) => {
    if (req.method === 'POST' && START.test(req.url ?? '')) {
      starts++;
      req.resume();
      return; // never answered
    }
    const upstream = request(
      { socketPath: target, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        // An attach's answer is its headers, then the container's output whenever there is some: send them now.
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  // An attach with stdin is a hijacked connection: hand the raw bytes through both ways.
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const upstream = connect(target, () => {
      upstream.write(
        `${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headers)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join('\r\n')}\r\n\r\n`,
      );
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  server.listen(path);
  await once(server, 'listening');
  return { server, starts: () => starts };
}

let proxy: Server | undefined;
afterEach(async () => {
  proxy?.closeAllConnections();
  proxy?.close();
  proxy = undefined;
});

describe('an engine that never answers a call', () => {
  it('a start left unanswered is an error naming the call and the bound; the run ends, exit 3, no container left', {
    timeout: 60_000,
  }, async () => {
    const socket = join(scratch.dir, 'engine.sock');
    const silent = await silentStartProxy(socket);
    proxy = silent.server;
    const dir = scratch.reportDir();
    const started = Date.now();
    const result = await runCli(
      [
        'cucumber',
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--docker-host',
        `unix://${socket}`,
        '--report-dir',
        dir,
      ],
      {
        cwd: FIXTURE_SUITE,
        env: { BALEEN_ENGINE_CALL_TIMEOUT_MS: '2000' },
      },
    );
    expect(silent.starts(), result.stderr).toBeGreaterThan(0);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/the Docker engine did not answer `start` within 2 s/);
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.features[0]).toMatchObject({
      status: 'error',
      error: expect.stringMatching(
        /could not start the container: the Docker engine did not answer `start` within 2 s/,
      ),
    });
    // A timed-out start is not tried again, and removing the container is bounded too: well under the test's limit.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(baleenContainers()).toEqual([]);
  });
});
