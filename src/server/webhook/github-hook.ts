import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify } from '@octokit/webhooks-methods';
import type { Project } from '../../config/project-file.js';
import { json, plain } from '../http/serve-stored-run.js';
import type { Logger } from '../logger.js';
import { PushQueue } from './push-queue.js';
import { PushEventSchema, pushedBranch, repositoryAddresses, sameRepository } from './push-event.js';
import { runPush, type PushRunContext } from './push-run.js';

/** GitHub sends at most 25 MB; a push payload of a few thousand commits is far below this. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;
/** Delivery ids remembered to refuse replays; GitHub's own redeliveries come within days, not millions. */
const REMEMBERED_DELIVERIES = 100_000;

export interface GithubHookOptions {
  secret: string;
  /** The projects of --config that name a `repository`. */
  projects: Record<string, Project>;
  cancelSuperseded: boolean;
  context: PushRunContext;
  log: Logger;
}

/**
 * POST /hooks/github: a signed push to a branch a project lists queues that project's run. Nothing is read
 * from the payload before its signature checks out; a replayed delivery id is answered and does nothing.
 */
export class GithubHook {
  private readonly queue: PushQueue;
  private readonly seen = new Set<string>();

  constructor(private readonly options: GithubHookOptions) {
    this.queue = new PushQueue(options.cancelSuperseded);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (body === undefined) return plain(response, 413, 'payload too large\n');
    const signature = request.headers['x-hub-signature-256'];
    if (typeof signature !== 'string' || !(await verify(this.options.secret, body, signature).catch(() => false))) {
      return plain(response, 401, 'missing or wrong X-Hub-Signature-256\n');
    }
    const event = request.headers['x-github-event'];
    const delivery = request.headers['x-github-delivery'];
    if (typeof delivery !== 'string' || !/^[\w-]{1,100}$/.test(delivery))
      return plain(response, 400, 'missing or malformed X-GitHub-Delivery\n');
    if (event === 'ping') return json(response, 200, { status: 'pong' });
    if (event !== 'push')
      return json(response, 202, { status: 'ignored', reason: `event ${String(event)} starts no run` });
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return plain(response, 400, 'the body is not JSON\n');
    }
    const parsed = PushEventSchema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return plain(response, 400, `not a push event: ${issue.path.join('.') || '(body)'}: ${issue.message}\n`);
    }
    const addresses = new Set(repositoryAddresses(parsed.data));
    const match = Object.entries(this.options.projects).find(([, project]) =>
      addresses.has(sameRepository(project.repository!)),
    );
    if (!match) return plain(response, 404, 'no project of this server builds that repository\n');
    const [name, project] = match;
    const branch = pushedBranch(parsed.data);
    if (branch === undefined || !project.branches!.includes(branch)) {
      return json(response, 202, {
        status: 'ignored',
        project: name,
        reason: `${parsed.data.ref} is not a branch the project lists`,
      });
    }
    if (this.seen.has(delivery)) return json(response, 200, { status: 'duplicate', delivery });
    this.remember(delivery);
    const push = { project: name, branch, commit: parsed.data.after, delivery };
    const log = this.options.log.child({ project: name, commit: push.commit, delivery });
    const ahead = this.queue.add({
      project: name,
      commit: push.commit,
      run: () => runPush(push, project, this.options.context),
      superseded: () => log.info('push dropped: a newer push of the project came first (--cancel-superseded)'),
    });
    log.info({ ahead }, 'push queued');
    return json(response, 202, { status: 'queued', project: name, commit: push.commit, ahead });
  }

  /** Waits for the pushes under way; the ones still waiting are dropped (shutdown). */
  async close(): Promise<void> {
    this.queue.clear();
    await this.queue.idle();
  }

  private remember(delivery: string): void {
    this.seen.add(delivery);
    if (this.seen.size > REMEMBERED_DELIVERIES) this.seen.delete(this.seen.values().next().value!);
  }
}

/** The raw body (the signature covers its bytes), or undefined when it is larger than GitHub sends. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
