import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { buildSuiteImage } from '../support/suite-image.js';
import { useScratch } from '../support/scratch.js';
import { byFile, summaryOf } from '../support/run-summary.js';

/**
 * Suites as users write them: a `cucumber.js` whose default profile names the suite's `paths` (as most
 * TypeScript suites do) and leaves scenarios out by tag. baleen must run, in each container, only what it
 * handed that container, and expect of each feature what cucumber-js with that config runs, no more.
 */
const scratch = useScratch('baleen-suite-config-');
const IMAGE = 'baleen-test-suite-config';
let suite = '';

const scenario = (name: string, result: number, tag?: string) => [
  ...(tag ? [`  ${tag}`] : []),
  `  Scenario: ${name}`,
  '    Given the number 1',
  '    When I add 1',
  `    Then the result is ${result}`,
];

const FEATURES = {
  // Its last scenario fails, and the config's tags leave it out: cucumber-js runs 2 of its 3 and passes.
  'features/admin/users.feature': [
    'Feature: Users',
    ...scenario('lists users', 2),
    ...scenario('adds a user', 2),
    ...scenario('the old API', 3, '@oldApis'),
    '',
  ].join('\n'),
  'features/billing.feature': ['Feature: Billing', ...scenario('bills', 2), ''].join('\n'),
  // The one real failure.
  'features/cart.feature': ['Feature: Cart', ...scenario('checks out', 3), ''].join('\n'),
};

const CONFIG = ["module.exports = { default: { paths: ['features/**/*.feature'], tags: 'not @oldApis' } };", ''].join(
  '\n',
);

beforeAll(async () => {
  suite = scratch.path('suite');
  await buildSuiteImage(suite, IMAGE, { ...FEATURES, 'cucumber.js': CONFIG });
});

async function baleen(args: string[], env: NodeJS.ProcessEnv = {}) {
  const reportDir = scratch.reportDir();
  const result = await runCli(
    ['cucumber', '--image', IMAGE, '--files', 'features/', '--report-dir', reportDir, ...args],
    { cwd: suite, env },
  );
  return { ...result, reportDir };
}

const MODES: [string, string[]][] = [
  ['--isolation feature', []],
  ['--batch 2', ['--batch', '2']],
  ['--split scenarios', ['--split', 'scenarios']],
  ['--isolation worker', ['--isolation', 'worker']],
  ['--runtime swarm', ['--runtime', 'swarm']],
];

describe("the suite's own cucumber.js: paths and a profile's tags", () => {
  it.each(MODES)(
    'with %s: each feature runs what cucumber-js runs of it, and only the cart fails',
    async (_mode, extra) => {
      const run = await baleen(['--concurrency', '3', ...extra]);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const features = byFile(await summaryOf(run.reportDir));
      expect(Object.keys(features).sort()).toEqual(Object.keys(FEATURES).sort());
      expect(features['features/admin/users.feature']?.status, features['features/admin/users.feature']?.error).toBe(
        'passed',
      );
      expect(features['features/billing.feature']?.status, features['features/billing.feature']?.error).toBe('passed');
      expect(features['features/cart.feature']?.status).toBe('failed');
      // The failure list names the cart's own scenario, and never blames another feature's line.
      expect(run.stdout).toMatch(/✗ features\/cart\.feature:2 checks out/);
      expect(run.stdout).not.toMatch(/✗ features\/(admin\/users|billing)\.feature:\d+/);
      // 2 + 1 + 1 scenarios: none of the whole suite run again in every container, not the one the config leaves out.
      const junit = await readFile(join(run.reportDir, 'junit.xml'), 'utf8');
      expect(junit.match(/<testcase /g)?.length).toBe(4);
    },
    180_000,
  );

  it('refuses at once, naming the paths, a --command that would make every container run the whole suite', async () => {
    const run = await baleen(['--command', 'cucumber-js {file} --format json:{report}']);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toMatch(/paths.*features\/\*\*\/\*\.feature/);
    expect(run.stderr).toMatch(/put \{only\} after \{file\} in --command/);
  });
});

describe('a stale image', () => {
  it('a step changed locally at the same line, the image not rebuilt: every feature is an error saying to rebuild', async () => {
    const steps = join(suite, 'features/step_definitions/steps.js');
    const original = await readFile(steps, 'utf8');
    // Same lines, other code: the image still holds the old one.
    await writeFile(steps, original.replace('this.value += n;', 'this.value += n * 2;'));
    try {
      // On GitHub Actions, so that the step summary is written too (docs/troubleshooting.md names it).
      const stepSummary = scratch.path('stale-step-summary.md');
      await writeFile(stepSummary, '');
      const github = { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: stepSummary, GITLAB_CI: '' };
      const run = await baleen(['--files', 'features/billing.feature'], github);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const features = byFile(await summaryOf(run.reportDir));
      expect(features['features/billing.feature']?.status).toBe('error');
      expect(features['features/billing.feature']?.error).toMatch(
        /features\/step_definitions\/steps\.js.*differs from the local.*rebuild the image/,
      );
      expect(run.stdout).toMatch(/rebuild the image/);
      expect(await readFile(join(run.reportDir, 'junit.xml'), 'utf8')).toMatch(/rebuild the image/);
      expect(await readFile(join(run.reportDir, 'index.html'), 'utf8')).toMatch(/rebuild the image/);
      expect(await readFile(stepSummary, 'utf8')).toMatch(/rebuild the image/);
    } finally {
      await writeFile(steps, original);
    }
  });

  it('a feature changed locally: that feature is an error, the others run', async () => {
    const cart = join(suite, 'features/cart.feature');
    const original = await readFile(cart, 'utf8');
    await writeFile(cart, original.replace('the result is 3', 'the result is 2'));
    try {
      const run = await baleen([]);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const features = byFile(await summaryOf(run.reportDir));
      expect(features['features/cart.feature']?.status).toBe('error');
      expect(features['features/cart.feature']?.error).toMatch(/image's copy of features\/cart\.feature differs/);
      expect(features['features/billing.feature']?.status).toBe('passed');
    } finally {
      await writeFile(cart, original);
    }
  });
});

/**
 * `strict: false` in the suite's own config, or `--no-strict` in its command: the image probe reads it into the
 * run's strict mode, which the judge applies. cucumber-js is the reference: run in the same image, one feature a
 * process, its exit code is the verdict each feature must get (pending passes without strict mode; undefined
 * fails in either mode, as cucumber-js fails it).
 */
describe("the suite's own strict mode", () => {
  const NO_STRICT_IMAGE = 'baleen-test-no-strict';
  const STRICT_FEATURES = {
    'features/pending.feature':
      'Feature: Pending\n  Scenario: pending\n    Given the number 1\n    When a step is pending\n',
    'features/undefined.feature': 'Feature: Undefined\n  Scenario: undefined\n    Given a step nobody wrote\n',
    'features/passes.feature': ['Feature: Passes', ...scenario('passes', 2), ''].join('\n'),
  };
  const FILES = Object.keys(STRICT_FEATURES).sort();
  let strictSuite = '';

  beforeAll(async () => {
    strictSuite = scratch.path('no-strict-suite');
    await buildSuiteImage(strictSuite, NO_STRICT_IMAGE, {
      ...STRICT_FEATURES,
      // The default profile is not strict; `ci` is cucumber-js's default, strict.
      'cucumber.js': 'module.exports = { default: { strict: false }, ci: {} };\n',
    });
  }, 180_000);

  /** cucumber-js's own verdict on each feature, run alone in the image with `args`: exit 0 is a pass. */
  const cucumberJs = (args: string): Record<string, boolean> => {
    const script = FILES.map((file) => `cucumber-js ${file} ${args} >/dev/null 2>&1; echo $?`).join('\n');
    const codes = execFileSync('docker', ['run', '--rm', '--network', 'none', NO_STRICT_IMAGE, 'sh', '-c', script], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    return Object.fromEntries(FILES.map((file, index) => [file, codes[index] === '0']));
  };

  const verdicts = async (extra: string[], env: NodeJS.ProcessEnv = {}) => {
    const reportDir = scratch.reportDir();
    const run = await runCli(
      ['cucumber', '--image', NO_STRICT_IMAGE, '--files', 'features/', '--report-dir', reportDir, ...extra],
      { cwd: strictSuite, env },
    );
    const summary = await summaryOf(reportDir);
    const passed = Object.fromEntries(summary.features.map((feature) => [feature.file, feature.status === 'passed']));
    return { run, summary, passed };
  };

  it.each([
    ["the config's strict: false", [], ''],
    ["the config's strict: false, --isolation worker", ['--isolation', 'worker'], ''],
    [
      '--no-strict in --command',
      ['--command', 'cucumber-js {file} -p ci --no-strict --format json:{report}'],
      '-p ci --no-strict',
    ],
    ['a strict profile (the control)', ['--command', 'cucumber-js {file} -p ci --format json:{report}'], '-p ci'],
  ])(
    'with %s: each feature gets the verdict cucumber-js gives it in the image',
    async (_name, extra, args) => {
      const reference = cucumberJs(args);
      const { run, summary, passed } = await verdicts(extra);
      expect(passed, run.stdout + run.stderr).toEqual(reference);
      expect(run.code).toBe(Object.values(reference).every(Boolean) ? 0 : 1);
      // The reports keep cucumber-js's statuses whatever the verdict: a pending scenario is counted pending.
      expect(summary.totals.scenarios).toMatchObject({ pending: 1, undefined: 1, passed: 1 });
    },
    180_000,
  );

  it("with BALEEN_PROBE=off the suite's config is not read: the run is strict (docs/troubleshooting.md)", async () => {
    const { run, passed } = await verdicts([], { BALEEN_PROBE: 'off' });
    expect(passed, run.stdout + run.stderr).toEqual({
      'features/passes.feature': true,
      'features/pending.feature': false,
      'features/undefined.feature': false,
    });
  }, 180_000);

  it('knows which is which: without strict mode the pending feature passes and the undefined one fails', () => {
    // Guards the reference itself, so that the tests above compare with what they claim.
    expect(cucumberJs('')).toEqual({
      'features/passes.feature': true,
      'features/pending.feature': true,
      'features/undefined.feature': false,
    });
    expect(cucumberJs('-p ci')['features/pending.feature']).toBe(false);
  });
});
