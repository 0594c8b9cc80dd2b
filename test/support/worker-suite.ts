import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Labels } from '../../src/runtime/labels.js';
import { runCli } from './cli.js';
import { ON_PODMAN } from './engine-under-test.js';
import { summaryOf } from './run-summary.js';
import type { Scratch } from './scratch.js';

/**
 * A suite for --isolation worker (test/e2e/isolation-worker*.test.ts): support code that counts its loads in
 * its process and says which container runs each feature, a feature whose step kills the worker, features
 * that hang, fail, or are tagged.
 */
/** The image of the suite below, built by the tests that use it (buildSuiteImage). */
export const WORKER_IMAGE = 'baleen-test-isolation-worker';

// Support code that counts its loads in the process and says which container runs each feature.
const WORKER_STEPS = `const { Given } = require('@cucumber/cucumber');
const { hostname } = require('node:os');
globalThis.supportLoads = (globalThis.supportLoads ?? 0) + 1;
Given('it says which container runs it', () => console.log('container ' + hostname() + ' loads ' + globalThis.supportLoads));
Given('the worker process dies', () => { console.error('dying on purpose'); process.exit(7); });
Given('it says {string} and hangs', { timeout: -1 }, (what) => {
  console.log(what);
  return new Promise(() => setInterval(() => {}, 1000));
});
`;
const says = (name: string) =>
  `Feature: ${name}\n  Scenario: ${name}\n    Given it says which container runs it\n    Given the number 1\n    When I add 1\n    Then the result is 2\n`;

// Without a timing history the features are queued in name order: the names below set the order of each test.
export const WORKER_SUITE = {
  'features/step_definitions/worker.js': WORKER_STEPS,
  'features/a.feature': says('a'),
  'features/b.feature': says('b'),
  'features/c.feature': says('c'),
  'features/d.feature': says('d'),
  'features/b-dies.feature': 'Feature: dies\n  Scenario: the worker process ends\n    Given the worker process dies\n',
  'features/0-fails.feature':
    'Feature: fails\n  Scenario: a wrong sum\n    Given it says which container runs it\n    Given the number 1\n    When I add 1\n    Then the result is 3\n',
  'features/0-hangs.feature': 'Feature: hangs\n  Scenario: forever\n    Given it says "hanging 0" and hangs\n',
  'features/1-hangs.feature': 'Feature: hangs too\n  Scenario: forever\n    Given it says "hanging 1" and hangs\n',
  'features/two.feature':
    'Feature: two\n  Scenario: passes\n    Given the number 1\n    When I add 1\n    Then the result is 2\n\n  Scenario: fails\n    Given the number 1\n    When I add 1\n    Then the result is 3\n',
  'features/tagged.feature':
    'Feature: tagged\n  @slow\n  Scenario: hangs\n    When a step hangs\n\n  Scenario: quick\n    Given it says which container runs it\n',
};

/** The statuses of a run of 0-fails and a–d (two slots), whichever runtime ran it: the failing one failed, the rest passed. */
export const FAILS_THEN_PASSES = {
  'features/0-fails.feature': 'failed',
  'features/a.feature': 'passed',
  'features/b.feature': 'passed',
  'features/c.feature': 'passed',
  'features/d.feature': 'passed',
} as const;

/** The error of b-dies.feature, whose step ends the worker's process: a crash, as in a container of its own. */
export const WORKER_DIED =
  'its warm worker exited with code 7 while running it without writing a Cucumber report (a crash or an error before any scenario ran: see its stderr)';

/** What a feature's stdout says of its container: its hostname (the container's id) and the support loads so far. */
export const containerOf = async (dir: string, file: string, attempt = 1) => {
  const log = await readFile(
    join(dir, 'logs', `${file}${attempt > 1 ? `.attempt-${attempt}` : ''}.stdout.log`),
    'utf8',
  );
  const said = /container (\w+) loads (\d+)/.exec(log);
  return { host: said?.[1], loads: Number(said?.[2]) };
};

/** One event of the engine's own log (`docker events --format '{{json .}}'`). */
export interface EngineEvent {
  Actor: { ID: string; Attributes: Record<string, string> };
  /** When it happened, in nanoseconds since the epoch. */
  timeNano: number;
}

/** The engine's events between two moments that match every filter (`type=container`, `label=…`). */
export function engineEvents(since: number, until: number, ...filters: string[]): EngineEvent[] {
  if (ON_PODMAN) return podmanEvents(since, until, filters);
  return execFileSync(
    'docker',
    [
      'events',
      '--since',
      (since / 1000).toFixed(3),
      '--until',
      (until / 1000).toFixed(3),
      ...filters.flatMap((filter) => ['--filter', filter]),
      '--format',
      '{{json .}}',
    ],
    { encoding: 'utf8' },
  )
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EngineEvent);
}

/**
 * Podman ignores `until` (src/runtime/docker/podman.ts), so `docker events` would never end: its log is read up
 * to now, through its API, and the moments and filters are applied here.
 */
function podmanEvents(since: number, until: number, filters: string[]): EngineEvent[] {
  const socket = new URL(process.env.DOCKER_HOST!).pathname;
  const read = `require('node:http').get({ socketPath: process.argv[1], path: '/events?stream=false&since=' + process.argv[2] }, (response) => response.pipe(process.stdout))`;
  const events = execFileSync(process.execPath, ['-e', read, socket, String(Math.floor(since / 1000))], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EngineEvent & { Type: string; Action: string; timeNano: number });
  const matches = (event: (typeof events)[number], filter: string) => {
    const [key, ...rest] = filter.split('=');
    const value = rest.join('=');
    if (key === 'type') return event.Type === value;
    if (key === 'event') return event.Action === value;
    const [label, ...wanted] = value.split('=');
    const found = event.Actor.Attributes[label!];
    return wanted.length === 0 ? found !== undefined : found === wanted.join('=');
  };
  return events.filter(
    (event) =>
      event.timeNano / 1e6 >= since &&
      event.timeNano / 1e6 <= until &&
      filters.every((filter) => matches(event, filter)),
  );
}

/** The worker containers the engine created between two moments (its own event log, not baleen's word). */
export function workersCreated(since: number, until: number): number {
  return engineEvents(since, until, 'type=container', 'event=create', `label=${Labels.worker}`).length;
}

/**
 * The ids of the worker containers the engine created for one run (by its run-id label, so another run on the
 * engine does not count), in the order it created them. A container's hostname is its id's first 12 characters.
 */
export function workerIdsOfRun(since: number, until: number, runId: string): string[] {
  return engineEvents(
    since,
    until,
    'type=container',
    'event=create',
    `label=${Labels.worker}`,
    `label=${Labels.runId}=${runId}`,
  ).map((event) => event.Actor.ID);
}

/**
 * `baleen cucumber --isolation worker` on the suite built under `scratch`'s `suite/` (or `suite`'s image and
 * folder; extra args: --runtime, the features…), with a timing history of its own (none yet), so that the features are queued in name order;
 * `workers` is how many worker containers the engine made for it.
 */
export async function runWorkers(scratch: Scratch, args: string[], suite = { image: WORKER_IMAGE, folder: 'suite' }) {
  const dir = scratch.reportDir();
  const timings = ['--timings', join(scratch.dir, `timings-${Math.random().toString(36).slice(2)}.json`)];
  const since = Date.now();
  const result = await runCli(
    ['cucumber', '--image', suite.image, '--isolation', 'worker', '--report-dir', dir, ...timings, ...args],
    { cwd: scratch.path(suite.folder) },
  );
  return { ...result, dir, summary: await summaryOf(dir), workers: workersCreated(since, Date.now()) };
}
