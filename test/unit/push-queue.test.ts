import { describe, expect, it } from 'vitest';
import { PushQueue, type QueuedPush } from '../../src/server/webhook/push-queue.js';
import {
  pushedBranch,
  PushEventSchema,
  repositoryAddresses,
  sameRepository,
} from '../../src/server/webhook/push-event.js';
import { pushImageTag } from '../../src/server/webhook/push-run.js';

/** A push whose run lasts until the test releases it, recording what happened to it. */
function push(project: string, commit: string, log: string[]) {
  let release!: () => void;
  let begin!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const started = new Promise<void>((resolve) => (begin = resolve));
  const queued: QueuedPush = {
    project,
    commit,
    run: async () => {
      log.push(`start ${commit}`);
      begin();
      await released;
      log.push(`end ${commit}`);
    },
    superseded: () => log.push(`dropped ${commit}`),
  };
  return { queued, release, started };
}

describe('PushQueue', () => {
  it('runs the pushes of one project one at a time, in order, and other projects beside them', async () => {
    const log: string[] = [];
    const queue = new PushQueue(false);
    const [a, b, c] = [push('web', 'a', log), push('web', 'b', log), push('api', 'c', log)];
    expect([queue.add(a.queued), queue.add(b.queued), queue.add(c.queued)]).toEqual([0, 1, 0]);
    expect(log).toEqual(['start a', 'start c']);
    a.release();
    c.release();
    await b.started;
    expect(log).toEqual(['start a', 'start c', 'end a', 'end c', 'start b']);
    b.release();
    await queue.idle();
    expect(log.at(-1)).toBe('end b');
  });

  it('with cancelSuperseded, a newer push drops the waiting ones of its project but not the one running', async () => {
    const log: string[] = [];
    const queue = new PushQueue(true);
    const [a, b, c] = [push('web', 'a', log), push('web', 'b', log), push('web', 'c', log)];
    queue.add(a.queued);
    queue.add(b.queued);
    expect(queue.add(c.queued)).toBe(1);
    expect(log).toEqual(['start a', 'dropped b']);
    a.release();
    c.release();
    await queue.idle();
    expect(log).toEqual(['start a', 'dropped b', 'end a', 'start c', 'end c']);
  });
});

describe('push events', () => {
  const event = (ref: string, after = 'a'.repeat(40)) =>
    PushEventSchema.parse({
      ref,
      after,
      repository: { clone_url: 'https://GitHub.com/team/suite.git', html_url: 'https://github.com/team/suite' },
    });

  it('runs pushes to branches only, not tags or deletions', () => {
    expect(pushedBranch(event('refs/heads/release/1.x'))).toBe('release/1.x');
    expect(pushedBranch(event('refs/tags/v1'))).toBeUndefined();
    expect(pushedBranch(event('refs/heads/main', '0'.repeat(40)))).toBeUndefined();
  });

  it('matches a repository however its address is spelt', () => {
    expect(repositoryAddresses(event('refs/heads/main'))).toContain(sameRepository('https://github.com/team/suite/'));
    expect(repositoryAddresses(event('refs/heads/main'))).not.toContain(
      sameRepository('https://github.com/team/suite-two'),
    );
  });

  it('tags the built image with the commit', () => {
    expect(pushImageTag('registry.example/team/runner:latest', `${'abcdef0123456789'.repeat(2)}01234567`)).toBe(
      'registry.example/team/runner:abcdef012345',
    );
    expect(pushImageTag('runner', 'f'.repeat(40))).toBe('runner:ffffffffffff');
  });
});
