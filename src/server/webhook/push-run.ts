import { rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { Project } from '../../config/project-file.js';
import { runOptionsFromProject } from '../../run-options/derive-project-schema.js';
import { runRequestOf } from '../../run-options/derive-request.js';
import { runSuite } from '../../client/run-suite.js';
import { parseImageReference } from '../../domain/image-reference.js';
import { messageOf } from '../../errors/baleen-error.js';
import type { ContainerRuntime } from '../../runtime/container-runtime.js';
import { LABEL_PREFIX } from '../../runtime/labels.js';
import { resolveInside } from '../../util/inside-root.js';
import type { Logger } from '../logger.js';
import { checkOut, commitArchive } from './checkout.js';

export interface Push {
  project: string;
  branch: string;
  commit: string;
  delivery: string;
}

export interface PushRunContext {
  /** The server's engine, where the image is built and its containers run. */
  runtime: Required<Pick<ContainerRuntime, 'buildImage' | 'removeImage'>>;
  /** This server's own WebSocket address and token: a push's run is submitted to it like any client's. */
  serverUrl(): string;
  token?: string;
  /** Where the push's checkout goes while it runs (inside the data dir). */
  workDir: string;
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
 * every other), then remove the image and the checkout. Failures are logged: nobody waits on a webhook.
 */
export async function runPush(push: Push, project: Project, context: PushRunContext): Promise<void> {
  const log = context.log.child({ project: push.project, commit: push.commit, delivery: push.delivery });
  const dir = resolveInside(context.workDir, push.delivery);
  const tag = pushImageTag(project.image, push.commit);
  let built = false;
  try {
    await checkOut(project.repository!, push.branch, push.commit, dir);
    log.info({ tag }, 'push checked out; building its runner image');
    const labels = {
      [`${LABEL_PREFIX}.managed`]: 'true',
      [`${LABEL_PREFIX}.server-id`]: context.serverId,
      [`${LABEL_PREFIX}.project`]: push.project,
      [`${LABEL_PREFIX}.commit`]: push.commit,
    };
    built = true;
    await context.runtime.buildImage({
      context: commitArchive(dir),
      dockerfile: project.dockerfile ?? 'Dockerfile',
      tag,
      labels,
    });
    const out = logLines(log);
    const request = runRequestOf([
      runOptionsFromProject(project),
      {
        image: tag,
        reportDir: '.baleen-push-report',
        timingsFile: '.baleen-push-timings.json',
        server: context.serverUrl(),
        ...(context.token === undefined ? {} : { token: context.token }),
        quiet: true,
      },
    ]);
    const exitCode = await runSuite(request, { cwd: dir, out, err: out, signal: context.signal });
    log.info({ exitCode }, 'push run finished');
  } catch (error) {
    log.error({ err: messageOf(error) }, 'push run failed');
  } finally {
    if (built)
      await context.runtime
        .removeImage(tag)
        .catch((error: unknown) => log.warn({ err: messageOf(error) }, 'could not remove the push image'));
    await rm(dir, { recursive: true, force: true });
  }
}

/** The client's console output, as log lines of the server. */
function logLines(log: Logger): NodeJS.WriteStream {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) log.info({ output: line }, 'push run');
      callback();
    },
  });
  return Object.assign(stream, { isTTY: false }) as unknown as NodeJS.WriteStream;
}
