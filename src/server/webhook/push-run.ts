import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Project } from '../../run-options/project-file.js';
import { projectRunOptions } from '../../run-options/derive-project-schema.js';
import { runRequestOf } from '../../run-options/derive-request.js';
import type { RunRequest } from '../../run-options/values.js';
import { parseImageReference } from '../../domain/image-reference.js';
import { messageOf } from '../../errors/baleen-error.js';
import type { ContainerRuntime } from '../../runtime/container-runtime.js';
import { LABEL_PREFIX } from '../../runtime/labels.js';
import { resolveInside } from '../../util/inside-root.js';
import type { Logger } from '../logger.js';
import type { RunStore } from '../store/run-store.js';
import { buildContext } from './build-context.js';
import { checkOut } from './checkout.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';

/** Where a push's run writes its client-side report, inside its checkout (removed with it). */
const PUSH_REPORT_DIR = '.baleen-push-report';

export interface Push {
  project: string;
  branch: string;
  commit: string;
  delivery: string;
}

/**
 * Runs a project as `baleen project` does and answers its exit code: the client's run (client/run-suite.ts),
 * handed in by the command that composes the server, so that the server never imports its client.
 */
export type SuiteRunner = (
  request: RunRequest,
  io: { cwd: string; out: NodeJS.WriteStream; err: NodeJS.WriteStream; signal: AbortSignal },
) => Promise<number>;

export interface PushRunContext {
  /** How the push's project is run, against this server. */
  runSuite: SuiteRunner;
  /** The server's engine, where the image is built and its containers run. */
  runtime: Required<Pick<ContainerRuntime, 'buildImage' | 'removeImage'>>;
  /** This server's own WebSocket address and token: a push's run is submitted to it like any client's. */
  serverUrl(): string;
  token?: string;
  /** Where the push's checkout goes while it runs (inside the data dir). */
  workDir: string;
  /** The data dir's runs: a push that never got to run is stored there too, as an `error` run with its log. */
  store: Pick<RunStore, 'recordFailedStart' | 'get'>;
  serverId: string;
  log: Logger;
  signal: AbortSignal;
}

/** The image a push's run uses: the project's `image` name, tagged with the commit (its short id). */
export function pushImageTag(image: string, commit: string): string {
  const parsed = parseImageReference(image);
  const name = parsed.ok && 'reference' in parsed ? parsed.reference.familiarName : image;
  return `${name}:${commit.slice(0, 12)}`;
}

/**
 * Ruby baleen's CI mode for one push: fetch the commit, build the project's Dockerfile from it through the
 * engine, run the project on that image through this server (so the run is stored, watched and counted as
 * every other), then remove the image and the checkout. Nobody waits on a webhook: a push that never got to
 * a stored run (its fetch or build failed, or its run was refused) is stored as an `error` run with its log.
 */
export async function runPush(push: Push, project: Project, context: PushRunContext): Promise<void> {
  const log = context.log.child({ project: push.project, commit: push.commit, delivery: push.delivery });
  const dir = resolveInside(context.workDir, push.delivery);
  const tag = pushImageTag(project.image, push.commit);
  const startedAt = new Date();
  const told = pushLog(log);
  let built = false;
  try {
    told.info(`fetching ${push.branch} of ${project.repository} and checking out ${push.commit}`);
    await checkOut(project.repository!, push.branch, push.commit, dir, context.signal);
    told.info(`building ${project.dockerfile ?? 'Dockerfile'} as ${tag}`);
    const labels = {
      [`${LABEL_PREFIX}.managed`]: 'true',
      [`${LABEL_PREFIX}.server-id`]: context.serverId,
      [`${LABEL_PREFIX}.project`]: push.project,
      [`${LABEL_PREFIX}.commit`]: push.commit,
    };
    built = true;
    await context.runtime.buildImage({
      context: await buildContext(dir, project.dockerfile ?? 'Dockerfile'),
      dockerfile: project.dockerfile ?? 'Dockerfile',
      tag,
      labels,
    });
    told.info(`running the project on ${tag}`);
    const out = told.stream;
    // A run a push triggers is a CI run: the project's `ci:` section applies.
    const request = runRequestOf([
      ...projectRunOptions(project, { onCi: true }),
      {
        image: tag,
        reportDir: PUSH_REPORT_DIR,
        timingsFile: '.baleen-push-timings.json',
        server: context.serverUrl(),
        ...(context.token === undefined ? {} : { token: context.token }),
        quiet: true,
      },
    ]);
    const exitCode = await context.runSuite(request, { cwd: dir, out, err: out, signal: context.signal });
    log.info({ exitCode }, 'push run finished');
    if (!(await runStored(dir, context)))
      await storeFailure(context, tag, startedAt, told, `the run of ${tag} was not started (exit ${exitCode})`);
  } catch (error) {
    told.error(messageOf(error));
    await storeFailure(context, tag, startedAt, told, messageOf(error));
  } finally {
    if (built)
      await context.runtime
        .removeImage(tag)
        .catch((error: unknown) => log.warn({ err: messageOf(error) }, 'could not remove the push image'));
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether the push's run reached the store: its report names a run id the store has. */
async function runStored(dir: string, context: PushRunContext): Promise<boolean> {
  const summary = await readFile(join(dir, PUSH_REPORT_DIR, REPORT_FILES.summary.name), 'utf8').catch(() => undefined);
  const runId = summary === undefined ? undefined : (JSON.parse(summary) as { runId?: unknown }).runId;
  return typeof runId === 'string' && (await context.store.get(runId)) !== undefined;
}

async function storeFailure(
  context: PushRunContext,
  image: string,
  startedAt: Date,
  told: PushLog,
  error: string,
): Promise<void> {
  try {
    const runId = await context.store.recordFailedStart({ image, startedAt, error, log: told.text() });
    told.log.error({ err: error, runId }, 'push run failed; stored as an error run');
  } catch (storing) {
    told.log.error({ err: error, storing: messageOf(storing) }, 'push run failed, and could not be stored');
  }
}

interface PushLog {
  readonly log: Logger;
  info(line: string): void;
  error(line: string): void;
  /** The client's console output, as log lines of the server and lines of the push's log. */
  readonly stream: NodeJS.WriteStream;
  text(): string;
}

/** What a push did, as the server's log lines and as the text stored with a push that failed. */
function pushLog(log: Logger): PushLog {
  const lines: string[] = [];
  const keep = (line: string) => lines.push(`${new Date().toISOString()} ${line}`);
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        log.info({ output: line }, 'push run');
        keep(line);
      }
      callback();
    },
  });
  return {
    log,
    info: (line) => {
      log.info(line);
      keep(line);
    },
    error: (line) => keep(`error: ${line}`),
    stream: Object.assign(stream, { isTTY: false }) as unknown as NodeJS.WriteStream,
    text: () => `${lines.join('\n')}\n`,
  };
}
