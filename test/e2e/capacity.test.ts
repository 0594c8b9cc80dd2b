import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, startServerProcess } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-capacity-');
let server: CliProcess;
let url: string;

beforeAll(async () => {
  ({ process: server, url } = await startServerProcess({ cwd: scratch.dir, args: ['--capacity', '2'] }));
});
afterAll(async () => {
  expect((await server.stop('SIGTERM')).code).toBe(0);
});

interface ContainerEvent {
  action: 'create' | 'start' | 'die';
  feature: string;
  at: number;
}

/** The engine's own record of baleen's container starts and deaths, in order, as they happen. */
function watchContainers(): {
  events: ContainerEvent[];
  stop(): void;
  changed(wait: (events: ContainerEvent[]) => boolean): Promise<void>;
} {
  const events: ContainerEvent[] = [];
  const waiters: (() => void)[] = [];
  const child = spawn('docker', [
    'events',
    '--filter',
    'label=io.baleen.managed=true',
    '--filter',
    'event=create',
    '--filter',
    'event=start',
    '--filter',
    'event=die',
    '--format',
    '{{json .}}',
  ]);
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as {
      Action: string;
      timeNano: number;
      Actor: { Attributes: Record<string, string> };
    };
    // A run's probe of its image runs before its features, beside --capacity (see docs/server.md).
    if (event.Actor.Attributes['io.baleen.probe'] !== undefined) return;
    events.push({
      action: event.Action as ContainerEvent['action'],
      feature: event.Actor.Attributes['io.baleen.feature']!,
      at: event.timeNano / 1e6,
    });
    waiters.forEach((waiter) => waiter());
  });
  return {
    events,
    stop: () => child.kill(),
    changed: (until) =>
      new Promise((resolve) => {
        const check = () => until(events) && (waiters.splice(waiters.indexOf(check), 1), resolve());
        waiters.push(check);
        check();
      }),
  };
}

const running = (events: ContainerEvent[]) =>
  events.reduce((n, e) => n + (e.action === 'start' ? 1 : e.action === 'die' ? -1 : 0), 0);
const SMALL = 'features/pass.feature';

/** When the server accepted the run of `features` features, from its own log (JSON lines on stderr). */
function acceptedAt(log: string, features: number): number {
  const line = log.split('\n').find((l) => l.includes('"run accepted"') && l.includes(`"features":${features},`))!;
  return (JSON.parse(line) as { time: number }).time;
}

describe('one server shared by two runs', () => {
  it('never runs more than --capacity containers, and starts a small run at the next free slot, showing its place meanwhile', async () => {
    const watch = watchContainers();
    try {
      // A big run whose features each take at least 10 s holds both slots when the small run comes in.
      const big = new CliProcess(
        [
          'cucumber',
          '--server',
          url,
          '--image',
          TEST_IMAGE,
          '--concurrency',
          '2',
          '--report-dir',
          scratch.reportDir(),
          '--command',
          'sleep 10; cucumber-js {file} --format json:{report}',
          '--files',
          'features/before.feature',
          'features/env.feature',
          'features/fail.feature',
          'features/with space.feature',
          'features/café ünïcode.feature',
        ],
        { cwd: FIXTURE_SUITE },
      );
      await watch.changed((events) => running(events) === 2);
      const small = new CliProcess(
        [
          'cucumber',
          '--server',
          url,
          '--image',
          TEST_IMAGE,
          '--concurrency',
          '2',
          '--report-dir',
          scratch.reportDir(),
          '--files',
          SMALL,
        ],
        { cwd: FIXTURE_SUITE },
      );
      await small.waitFor(/waiting for a free slot on the server: next in line/);
      expect((await small.done).code, small.stderr).toBe(0);
      await big.done;

      const { events } = watch;
      // Capacity: replaying starts and deaths, never more than 2 at once (and 2 were reached).
      const peaks = events.map((_, i) => running(events.slice(0, i + 1)));
      expect(Math.max(...peaks)).toBe(2);
      // Fairness: once the small run was queued, the first slot to free up (a big run's container exiting)
      // went to it: the next container created is the small run's, not the big run's next one.
      const queuedAt = acceptedAt(server.stderr, 1);
      // The premise: the small run was queued while the big run's first two containers still ran.
      expect(events.filter((e) => e.action === 'die' && e.at < queuedAt)).toEqual([]);
      const firstFreed = events.find((e) => e.action === 'die' && e.at >= queuedAt)!;
      const nextCreated = events.find((e) => e.action === 'create' && e.at >= firstFreed.at);
      expect(nextCreated?.feature).toBe(SMALL);
      // Within one feature's time: from the slot freeing to its container starting took less than any of the
      // big run's containers ran.
      const smallStart = events.find((e) => e.action === 'start' && e.feature === SMALL)!.at;
      const bigRuns = events
        .filter((e) => e.action === 'start' && e.feature !== SMALL)
        .map(
          (start) =>
            events.find((e) => e.action === 'die' && e.feature === start.feature && e.at >= start.at)!.at - start.at,
        );
      expect(smallStart - firstFreed.at).toBeLessThan(Math.min(...bigRuns));
    } finally {
      watch.stop();
    }
  });
});
