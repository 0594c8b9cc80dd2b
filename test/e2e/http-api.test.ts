import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TOKEN_FILE, startServerProcess, type CliProcess } from '../support/cli.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-http-api-');
const token = 'http-api-token-0123456789';
let server: CliProcess;
let base: string;

beforeAll(async () => {
  let wsUrl: string;
  ({ process: server, url: wsUrl } = await startServerProcess({
    cwd: scratch.dir,
    env: { BALEEN_TOKEN: token },
    args: ['--data-dir', join(scratch.dir, 'data')],
  }));
  base = wsUrl.replace(/^ws:/, 'http:');
});
afterAll(async () => {
  expect((await server.stop('SIGTERM')).code).toBe(0);
});

const auth = { authorization: `Bearer ${token}` };

/** A request with the path sent exactly as given (fetch would normalise it first). */
function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ method, hostname, port, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text, headers: response.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The server's log lines at level error (pino: 50) or above, from its stderr so far. */
function loggedErrors(process: CliProcess): string[] {
  return process.stderr.split('\n').filter((line) => /"level":(5|6)\d/.test(line));
}

describe('the server at start and at the door', () => {
  it("prints the live page's http:// address beside the ws:// one", async () => {
    const { port } = new URL(base);
    await server.waitFor(/live page/);
    expect(server.stdout).toContain(`baleen server listening on ws://127.0.0.1:${port}\n`);
    expect(server.stdout).toContain(`baleen server live page at http://127.0.0.1:${port}/\n`);
  }, 15_000);

  it('says on the login form where the token is: the token file, or the --token it was started with', async () => {
    const withFlag = await rawRequest('GET', '/');
    expect(withFlag.status).toBe(401);
    expect(withFlag.body).toContain('--token');
    expect(withFlag.body).toContain('BALEEN_TOKEN');

    const fromFile = await startServerProcess({ cwd: scratch.dir, env: { BALEEN_TOKEN: '' } });
    try {
      const page = await fetch(`${fromFile.url.replace(/^ws:/, 'http:')}/`);
      expect(page.status).toBe(401);
      expect(await page.text()).toContain(TEST_TOKEN_FILE);
    } finally {
      expect((await fromFile.process.stop('SIGTERM')).code).toBe(0);
    }
  });

  it('answers a run id with bad percent-encoding with 400, and logs no error', async () => {
    for (const path of ['/api/runs/%E0%A4%A', '/runs/%E0%A4%A/', '/runs/%E0%A4%A/index.html', '/api/runs/%']) {
      const response = await rawRequest('GET', path, auth);
      expect(response.status, path).toBe(400);
      expect(response.body, path).toMatch(/percent-encoding/);
    }
    expect(loggedErrors(server)).toEqual([]);
  });
});
