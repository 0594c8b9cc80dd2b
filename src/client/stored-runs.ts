import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { BaleenError, messageOf } from '../errors/baleen-error.js';
import { ApiErrorSchema, RunDetailSchema, StoredRunListSchema, type StoredRun } from '../domain/stored-run.js';
import { stageReportDir } from '../report-dir/report-dir.js';
import { relativePathProblem, resolveInside } from '../util/inside-root.js';
import { CREATE_ONLY } from '../util/write-file-atomic.js';

export const DEFAULT_SERVER_URL = 'ws://127.0.0.1:5533';

/** A server's HTTP address: the same host and port as its WebSocket. */
export function httpBaseOf(server: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new BaleenError('USAGE', `--server ${server} is not a URL`, { hint: 'give it as ws://host:port' });
  }
  const protocol = { 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' }[url.protocol];
  if (!protocol)
    throw new BaleenError('USAGE', `--server ${server} is not a ws:// or http:// address`, {
      hint: 'give it as ws://host:port',
    });
  return new URL(`${protocol}//${url.host}/`);
}

/** `baleen runs`: the server's stored runs, newest first. */
export async function listStoredRuns(server: string, token: string | undefined): Promise<StoredRun[]> {
  return (await getJson(new URL('api/runs', httpBaseOf(server)), token, StoredRunListSchema)).runs;
}

/** `baleen report RUN_ID`: every file of a stored run's report, into `reportDir`, by the report dir's rules (see report-dir/). */
export async function downloadStoredRun(
  server: string,
  token: string | undefined,
  runId: string,
  reportDir: string,
): Promise<StoredRun> {
  const base = httpBaseOf(server);
  // The server takes a unique prefix of a run id too, and answers with the whole id.
  const detail = await getJson(
    new URL(`api/runs/${encodeURIComponent(runId)}`, base),
    token,
    RunDetailSchema,
    `no stored run ${runId} on ${base.host}`,
  );
  if (detail.files === undefined)
    throw new BaleenError('USAGE', `the server at ${base.host} keeps no runs`, { hint: 'start it with --data-dir' });
  const { files } = detail;
  // The server names the files: one that is not a plain relative path is refused before anything is written.
  const problem = files.map((file) => ({ file, why: relativePathProblem(file) })).find(({ why }) => why !== undefined);
  if (problem) {
    throw new BaleenError('PROTOCOL', `the server listed a file outside the report: ${problem.file} (${problem.why})`, {
      hint: 'check that --server is a baleen server',
    });
  }
  const staged = await stageReportDir(reportDir);
  try {
    for (const file of files) {
      const response = await request(
        new URL(`runs/${detail.run.runId}/${file.split('/').map(encodeURIComponent).join('/')}`, base),
        token,
      );
      await saveBody(response, resolveInside(staged.staging, file));
    }
  } catch (error) {
    // A download that failed half-way leaves the report dir as it was: no staging folder, no partial report.
    await staged.discard();
    throw error;
  }
  await staged.commit();
  return detail.run;
}

/** A response's body, streamed into a new file (created, never opened). */
async function saveBody(response: Response, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const body = response.body
    ? Readable.fromWeb(response.body as import('node:stream/web').ReadableStream)
    : Readable.from([]);
  await pipeline(body, createWriteStream(target, { flags: CREATE_ONLY }));
}

async function getJson<T>(url: URL, token: string | undefined, schema: z.ZodType<T>, notFound?: string): Promise<T> {
  const response = await request(url, token, notFound);
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success)
    throw new BaleenError(
      'PROTOCOL',
      `${url.origin} answered ${url.pathname} with something baleen does not understand`,
      { hint: 'use the same baleen version for client and server' },
    );
  return parsed.data;
}

async function request(url: URL, token: string | undefined, notFound?: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  } catch (error) {
    throw new BaleenError(
      'SERVER_UNREACHABLE',
      `cannot reach a baleen server at ${url.origin} (${messageOf((error as Error).cause ?? error)})`,
      {
        hint: 'check --server and that the server is running',
        cause: error,
      },
    );
  }
  if (response.ok) return response;
  // An ambiguous run id prefix, or one too short: the server's one line names the runs it could be.
  const refusal = ApiErrorSchema.safeParse(await response.json().catch(() => undefined));
  if (response.status === 409 && refusal.success)
    throw new BaleenError('USAGE', refusal.data.error.message, {
      hint: refusal.data.error.hint ?? 'give more of the id',
    });
  if (response.status === 404 && notFound)
    throw new BaleenError('USAGE', notFound, { hint: '`baleen runs --server URL` lists the stored runs' });
  if (response.status === 404 && url.pathname.startsWith('/api/')) {
    throw new BaleenError('USAGE', `the server at ${url.origin} keeps no runs`, { hint: 'start it with --data-dir' });
  }
  throw new BaleenError(
    'SERVER_UNREACHABLE',
    `the baleen server at ${url.origin} refused ${url.pathname} (HTTP ${response.status})`,
    {
      hint: response.status === 401 ? "pass the server's token with --token or BALEEN_TOKEN" : 'check the --server URL',
    },
  );
}
