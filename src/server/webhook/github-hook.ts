import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify } from '@octokit/webhooks-methods';
import type { Project } from '../../run-options/project-file.js';
import { json, plain } from '../http/serve-stored-run.js';
import { messageOf } from '../../errors/baleen-error.js';
import type { Logger } from '../logger.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import { PushQueue } from './push-queue.js';
import { PushEventSchema, pushedBranch, repositoryAddresses, sameRepository } from './push-event.js';
import { runPush, type PushRunContext } from './push-run.js';
import { UnverifiedBodies, type UnverifiedBodyLimits } from './unverified-bodies.js';

export interface GithubHookOptions {
  secret: string;
  /** The projects of --config that name a `repository`. */
  projects: Record<string, Project>;
  cancelSuperseded: boolean;
  context: PushRunContext;
  log: Logger;
  /** The pushes queued before, this server's or a previous one's on the same data dir (replays are refused). */
  ledger: DeliveryLedger;
  /** How much unsigned senders may make the server read (see unverified-bodies.ts); tests make it smaller. */
  bodyLimits?: UnverifiedBodyLimits;
}

/** The only signature a delivery may carry: anything else is refused before its body is read. */
const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

/**
 * POST /hooks/github: a signed push to a branch a project lists queues that project's run. Nothing is read
 * from the payload before its signature checks out; a replay (a delivery id, a signed body or a
 * project's commit queued before: see delivery-ledger.ts) is answered and does nothing.
 */
export class GithubHook {
  private readonly queue: PushQueue;
  private readonly bodies: UnverifiedBodies;

  constructor(private readonly options: GithubHookOptions) {
    this.queue = new PushQueue(options.cancelSuperseded);
    this.bodies = new UnverifiedBodies(options.bodyLimits);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const signature = request.headers['x-hub-signature-256'];
    // Unsigned is refused unread; signed, the body is read within the gate's bounds before it is checked.
    if (typeof signature !== 'string' || !SIGNATURE.test(signature))
      return plain(response, 401, 'missing or wrong X-Hub-Signature-256\n');
    const read = await this.bodies.read(request);
    if (!read.ok) return plain(response, read.status, `${read.reason}\n`, read.headers);
    const body = read.body.toString('utf8');
    const bodyHash = createHash('sha256').update(read.body).digest('hex');
    if (!(await verify(this.options.secret, body, signature).catch(() => false))) {
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
    const push = { project: name, branch, commit: parsed.data.after, delivery };
    const log = this.options.log.child({ project: name, commit: push.commit, delivery });
    const seen = { delivery, body: bodyHash, project: name, commit: push.commit };
    const replay = this.options.ledger.replayOf(seen);
    if (replay !== undefined) {
      log.info({ reason: replay }, 'push refused as a replay');
      return json(response, 200, { status: 'duplicate', delivery, reason: replay });
    }
    // Remembered at once, on disk before the answer: a replay after a restart is refused too.
    await this.options.ledger
      .record(seen)
      .catch((error: unknown) =>
        log.error({ err: messageOf(error) }, 'could not keep the push in the ledger; it is remembered until a restart'),
      );
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
}
