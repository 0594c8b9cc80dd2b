import type { IncomingMessage, ServerResponse } from 'node:http';
import { BaleenError, messageOf } from '../../errors/baleen-error.js';
import type { ApiError, RunCreated } from '../../domain/stored-run.js';
import { decodeRunSpec } from '../../protocol/codec.js';
import { MAX_PAYLOAD_BYTES } from '../server-limits.js';
import type { Logger } from '../logger.js';
import type { OwnedRuns } from '../owned-runs.js';
import { rejectionCode } from '../rejection.js';
import type { HttpAuth } from './auth.js';
import { readBody } from './read-body.js';
import { knownRunIds, runDetail, type RunSources } from './run-detail.js';
import { lookUpRun } from './run-lookup.js';
import { json } from './serve-stored-run.js';

export interface RunApiContext extends RunSources {
  auth: HttpAuth;
  owned: OwnedRuns;
  log: Logger;
}

/**
 * The run API: `POST /api/runs` starts a run (its body is the spec `run.submit` carries, checked by the same
 * schema), `GET /api/runs/<id>` is its state while it runs and after, `DELETE /api/runs/<id>` cancels it.
 * See docs/protocol.md, "Runs over HTTP". Every answer is JSON; a refusal is `{"error": {code, message, hint}}`.
 */
export function runApi(context: RunApiContext) {
  return {
    async create(request: IncomingMessage, response: ServerResponse): Promise<void> {
      if (!mayChange(request, response, context.auth)) return;
      if (!isJson(request.headers['content-type'])) {
        return refuse(response, 415, {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'a run is sent as JSON',
          hint: 'send the header Content-Type: application/json',
        });
      }
      const body = await readBody(request, MAX_PAYLOAD_BYTES);
      if (!body.ok && !body.tooLarge) return void response.destroy();
      if (!body.ok) {
        return refuse(response, 413, {
          code: 'TOO_LARGE',
          message: `a run spec is at most ${MAX_PAYLOAD_BYTES} bytes`,
        });
      }
      const decoded = decodeRunSpec(body.text);
      if (!decoded.ok) {
        return refuse(response, 400, {
          code: 'BAD_MESSAGE',
          message: `not a run spec: ${decoded.error}`,
          hint: 'see docs/protocol.md, "Runs over HTTP", for its fields',
        });
      }
      let runId: string;
      try {
        ({ runId } = await context.owned.start(decoded.message));
      } catch (error) {
        return refuseRun(response, error, context.log);
      }
      const created: RunCreated = {
        runId,
        status: 'running',
        features: decoded.message.features,
        concurrency: decoded.message.concurrency,
        links: {
          self: `/api/runs/${runId}`,
          live: `/#run=${runId}`,
          ...(context.store ? { report: `/runs/${runId}/` } : {}),
        },
      };
      response.setHeader('location', created.links.self);
      json(response, 201, created);
    },

    async show(reference: string, response: ServerResponse): Promise<void> {
      const runId = await resolve(reference, response, context);
      if (runId === undefined) return;
      const detail = await runDetail(runId, context);
      if (!detail) return refuse(response, 404, noSuchRun(reference));
      json(response, 200, detail);
    },

    /** Cancels a live run and answers once it is over: its containers removed, its report (if kept) stored. */
    async cancel(request: IncomingMessage, response: ServerResponse, reference: string): Promise<void> {
      if (!mayChange(request, response, context.auth)) return;
      const runId = await resolve(reference, response, context);
      if (runId === undefined) return;
      const run = context.admission.liveRun(runId);
      if (!run) {
        const detail = await runDetail(runId, context);
        if (!detail) return refuse(response, 404, noSuchRun(reference));
        return refuse(response, 409, {
          code: 'RUN_ENDED',
          message: `run ${runId} has ended already (${detail.run.status})`,
        });
      }
      context.log.info({ runId }, 'run cancelled over HTTP');
      run.cancel();
      await run.finished.catch(() => undefined);
      json(response, 200, await runDetail(runId, context));
    },
  };
}

/**
 * Starting or cancelling a run takes the token itself, in the Authorization header: a browser never adds that
 * on its own, so no page (whatever cookie the signed-in browser holds) can start a run for its visitor.
 */
function mayChange(request: IncomingMessage, response: ServerResponse, auth: HttpAuth): boolean {
  if (auth.allowsBearer(request)) return true;
  refuse(
    response,
    401,
    {
      code: 'UNAUTHORIZED',
      message: 'starting or cancelling a run takes the token, as Authorization: Bearer TOKEN',
      hint: "the live page's sign-in does not: send the header",
    },
    { 'www-authenticate': 'Bearer' },
  );
  return false;
}

/** application/json, with or without parameters: what no HTML form and no "simple" cross-site request can send. */
function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

async function resolve(reference: string, response: ServerResponse, sources: RunSources): Promise<string | undefined> {
  const found = await lookUpRun(reference, () => knownRunIds(sources));
  if (found.kind === 'found') return found.runId;
  if (found.kind === 'none') refuse(response, 404, noSuchRun(reference, found.message));
  else
    refuse(response, 409, {
      code: 'AMBIGUOUS_RUN_ID',
      message: found.message,
      hint: 'give more of the run id',
      candidates: found.candidates,
    });
  return undefined;
}

function noSuchRun(reference: string, message = `no run ${reference}`): ApiError {
  return { code: 'NOT_FOUND', message, hint: 'GET /api/runs lists the stored runs, GET /api/live the recent ones' };
}

/** Why the server refused a run, as an HTTP status: the run's fault (4xx), or the server's (5xx). */
function refuseRun(response: ServerResponse, error: unknown, log: Logger): void {
  if (!(error instanceof BaleenError)) {
    log.error({ err: error }, 'starting a run over HTTP failed');
    refuse(response, 500, { code: 'INTERNAL', message: messageOf(error) });
    return;
  }
  const code = error.code === 'OVER_LIMIT' || error.code === 'SERVER_CLOSED' ? error.code : rejectionCode(error);
  refuse(response, REFUSAL_STATUS[code] ?? 503, {
    code,
    message: error.message,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  });
}

/** A refusal's HTTP status by its code; any other refusal (the container engine's failures) is 503. */
const REFUSAL_STATUS: Record<string, number> = {
  RUN_REJECTED: 422,
  IMAGE_NOT_FOUND: 422,
  OVER_LIMIT: 429,
};

function refuse(response: ServerResponse, status: number, error: ApiError, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  json(response, status, { error });
}
