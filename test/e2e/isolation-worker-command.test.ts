import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CucumberJson } from '../../src/domain/cucumber-json.js';
import { runCli } from '../support/cli.js';
import { expectNoContainersLeft } from '../support/docker.js';
import { byFile, statusesOf, summaryOf } from '../support/run-summary.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';
import { containerOf, workersCreated } from '../support/worker-suite.js';

/**
 * A suite that runs only through its own command: its `ci` profile requires support code outside features/
 * (which cucumber-js would not find without it) and sets the world parameter a step checks. So a feature that
 * passes on a warm worker shows that the worker loaded its configuration from the suite's own command line.
 */
const IMAGE = 'baleen-test-isolation-worker-command';
const CONFIG = `module.exports = {
  default: {},
  ci: {
    require: ['features/step_definitions/*.js', 'support/*.js'],
    worldParameters: { greeting: 'hello from the ci profile' },
  },
};
`;
const GREETING_STEPS = `const { Given, Then } = require('@cucumber/cucumber');
const { hostname } = require('node:os');
globalThis.supportLoads = (globalThis.supportLoads ?? 0) + 1;
Given('it says the greeting', function () {
  console.log('container ' + hostname() + ' loads ' + globalThis.supportLoads);
  console.log('greeting: ' + this.parameters.greeting + ', extra: ' + this.parameters.extra + ', who: ' + process.env.SUITE_WHO);
});
Then('the greeting is {string}', function (expected) {
  if (this.parameters.greeting !== expected) throw new Error('the greeting is ' + JSON.stringify(this.parameters.greeting));
});
`;
const SUITE = {
  'cucumber.js': CONFIG,
  'support/greeting.js': GREETING_STEPS,
  // A wrapper script given the cucumber-js command as its arguments (as `xvfb-run`, `dotenv --` are).
  'with-who.sh': 'export SUITE_WHO=wrapper\nexec "$@"\n',
  'features/greets.feature':
    'Feature: greets\n  Scenario: greets\n    Given it says the greeting\n    Then the greeting is "hello from the ci profile"\n',
  'features/greets-and-adds.feature':
    'Feature: greets and adds\n  Scenario: adds\n    Given it says the greeting\n    Given the number 1\n    When I add 1\n    Then the result is 2\n',
  'features/wrong-greeting.feature':
    'Feature: wrong greeting\n  Scenario: expects another\n    Given it says the greeting\n    Then the greeting is "something else"\n',
};
const FEATURES = Object.keys(SUITE)
  .filter((path) => path.endsWith('.feature'))
  .sort();
const EXPECTED = {
  'features/greets-and-adds.feature': 'passed',
  'features/greets.feature': 'passed',
  'features/wrong-greeting.feature': 'failed',
};

const scratch = useScratch('baleen-isolation-worker-command-');

async function baleen(args: string[]) {
  const dir = scratch.reportDir();
  const since = Date.now();
  const result = await runCli(
    ['cucumber', '--image', IMAGE, '--files', ...FEATURES, '--concurrency', '1', '--report-dir', dir, ...args],
    { cwd: scratch.path('suite') },
  );
  return { ...result, dir, summary: await summaryOf(dir), workers: workersCreated(since, Date.now()) };
}

const stdoutOf = (dir: string, file: string) => readFile(join(dir, 'logs', `${file}.stdout.log`), 'utf8');

describe('--isolation worker with the suite’s own --command', () => {
  beforeAll(async () => {
    await buildSuiteImage(scratch.path('suite'), IMAGE, SUITE);
  }, 300_000);
  afterEach(() => {
    expect(expectNoContainersLeft()).toEqual([]);
  });

  it('cucumber-js -p ci {file}: the profile’s --require and world parameters reach the worker, as they reach a container per feature', async () => {
    const command = ['--command', 'cucumber-js -p ci {file}'];
    const worker = await baleen([...command, '--isolation', 'worker']);
    expect(worker.code, worker.stderr).toBe(1);
    expect(statusesOf(worker.summary)).toEqual(EXPECTED);
    expect(byFile(worker.summary)['features/wrong-greeting.feature']!.error).toMatch(
      /the greeting is "hello from the ci profile"/,
    );
    expect(await stdoutOf(worker.dir, 'features/greets.feature')).toContain(
      'greeting: hello from the ci profile, extra: undefined',
    );
    // One warm worker ran all three, its support code loaded once.
    expect(worker.workers).toBe(1);
    const seen = await Promise.all(FEATURES.map((file) => containerOf(worker.dir, file)));
    expect(seen.map(({ loads }) => loads)).toEqual([1, 1, 1]);
    expect(new Set(seen.map(({ host }) => host)).size).toBe(1);

    const perFeature = await baleen(command);
    expect(statusesOf(perFeature.summary)).toEqual(EXPECTED);
    expect(perFeature.workers).toBe(0);
  });

  it('npx cucumber-js after an env assignment, with --world-parameters and the template’s own --format json:{report}: each feature reported once', async () => {
    const { code, stderr, dir, summary, workers } = await baleen([
      '--isolation',
      'worker',
      '--command',
      `SUITE_WHO=assigned npx cucumber-js --profile ci {file} --world-parameters '{"extra":"given"}' --format json:{report}`,
    ]);
    expect(code, stderr).toBe(1);
    expect(statusesOf(summary)).toEqual(EXPECTED);
    expect(workers).toBe(1);
    expect(await stdoutOf(dir, 'features/greets.feature')).toContain(
      'greeting: hello from the ci profile, extra: given, who: assigned',
    );
    const merged = JSON.parse(await readFile(join(dir, 'cucumber.json'), 'utf8')) as CucumberJson;
    expect(merged.map((feature) => [feature.uri, feature.elements!.length]).sort()).toEqual(
      FEATURES.map((file) => [file, 1]),
    );
  });

  it('a wrapper script given cucumber-js as its arguments runs the worker in its place', async () => {
    const { code, stderr, dir, summary, workers } = await baleen([
      '--isolation',
      'worker',
      '--command',
      'sh ./with-who.sh cucumber-js -p ci {file}',
    ]);
    expect(code, stderr).toBe(1);
    expect(statusesOf(summary)).toEqual(EXPECTED);
    expect(workers).toBe(1);
    expect(await stdoutOf(dir, 'features/greets.feature')).toContain(
      'greeting: hello from the ci profile, extra: undefined, who: wrapper',
    );
  });
});
