import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type CliProcess } from '../support/cli.js';
import { useScratch } from '../support/scratch.js';

// What a webhook sender who does not know the secret can make the server do: nothing but be answered.
const scratch = useScratch('baleen-webhook-guard-');
const secret = 'webhook-secret-0123456789abcdef';
const token = 'webhook-token-0123456789';
let server: CliProcess;
let base: string;

/** The server process's peak resident memory so far (VmHWM), in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)![1]) / 1024;
}

/**
 * A POST of `bytes` bytes to /hooks/github, sent in 1 MiB chunks with a Content-Length or chunked (so the
 * server cannot refuse it by its declared size). Resolves with the status the server answered, as soon as
 * it answers: the rest of the body may then be refused by the server, which is no error of the test's.
 */
function flood(bytes: number, headers: Record<string, string>, chunked: boolean): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      hostname,
      port,
      method: 'POST',
      path: '/hooks/github',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'd-flood',
        ...(chunked ? {} : { 'content-length': String(bytes) }),
        ...headers,
      },
    });
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', (error) => (req.writableEnded ? undefined : reject(error)));
    const chunk = Buffer.alloc(1024 * 1024, 0x7b);
    let sent = 0;
    const write = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

beforeAll(async () => {
  await writeFile(
    scratch.path('baleen.yml'),
    [
      'projects:',
      '  suite:',
      '    image: baleen-webhook-guard',
      '    files: features/',
      '    repository: https://example.invalid/team/suite.git',
      '    branches: [main]',
      '',
    ].join('\n'),
  );
  ({ process: server, url: base } = await startServerProcess({
    cwd: scratch.dir,
    env: { BALEEN_TOKEN: token, BALEEN_WEBHOOK_SECRET: secret },
    args: ['--data-dir', scratch.path('data'), '--config', scratch.path('baleen.yml')],
  }));
  base = base.replace(/^ws:/, 'http:');
});
afterAll(async () => {
  expect((await server.stop('SIGTERM')).code).toBe(0);
});

describe('POST /hooks/github before the signature is checked (issue 19, item 3)', () => {
  it('eight parallel 24 MB deliveries without the secret are all refused and the server stays under 150 MB', async () => {
    const MB24 = 24 * 1024 * 1024;
    const before = await peakRssMb(server.child.pid!);
    const forged = { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` };
    const statuses = await Promise.all([
      // The attack of the issue: no signature at all.
      flood(MB24, {}, false),
      flood(MB24, {}, true),
      // A signature of the right shape, which only the body can disprove: sized, and chunked.
      ...Array.from({ length: 3 }, () => flood(MB24, forged, false)),
      ...Array.from({ length: 3 }, () => flood(MB24, forged, true)),
    ]);
    for (const status of statuses) expect([401, 413, 503]).toContain(status);
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    const peak = await peakRssMb(server.child.pid!);
    expect(peak).toBeLessThan(150);
    console.log(`server peak RSS: ${before.toFixed(1)} MB before the attack, ${peak.toFixed(1)} MB after`);
    // A signed delivery is read and answered as ever.
    const body = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const ping = await fetch(`${base}/hooks/github`, {
      method: 'POST',
      headers: {
        'x-github-event': 'ping',
        'x-github-delivery': 'd-ping',
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
      body,
    });
    expect(ping.status).toBe(200);
  });
});
