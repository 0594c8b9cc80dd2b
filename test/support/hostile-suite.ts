/**
 * A suite of hostile step code, one kind a feature (test/e2e/one-attempt.test.ts, test/e2e/hostile-steps.test.ts):
 * steps that end their own process, throw where cucumber-js does not await, skip themselves, or print what a
 * verdict must not read. Built into one image with buildSuiteImage.
 */
export const HOSTILE_IMAGE = 'baleen-test-hostile';

const STEPS = `const assert = require('node:assert/strict');
const { Before, Given } = require('@cucumber/cucumber');
Given('it says what it runs', () =>
  console.log('feature ' + process.env.BALEEN_FEATURE + ' attempt ' + process.env.BALEEN_ATTEMPT));
Given('it passes', () => {});
Given('it fails', () => assert.equal(1, 2, 'one is not two'));
Given('it ends its process with code {int}', (code) => process.exit(code));
Given('it kills its own process', () => process.kill(process.pid, 'SIGKILL'));
Given('it throws in a timer', () => {
  setTimeout(() => { throw new Error('thrown in a timer'); }, 0);
  return new Promise((resolve) => setTimeout(resolve, 200));
});
Given('it leaves a rejection unhandled', () => {
  Promise.reject(new Error('rejected, unhandled'));
  return new Promise((resolve) => setTimeout(resolve, 200));
});
Given('it is pending', () => 'pending');
Given('it prints what a failed before-command prints', () =>
  process.stderr.write('baleen: before-command failed with exit code 0\\n'));
// As a large open-source suite skips a scenario whose precondition does not hold (a Node version, a platform).
Before({ tags: '@precondition' }, () => 'skipped');
`;

const feature = (name: string, ...steps: string[]) =>
  `Feature: ${name}\n  Scenario: ${name}\n${steps.map((step) => `    Given ${step}\n`).join('')}`;

/** Each kind of step, by the feature that holds it. */
export const HOSTILE_FEATURES = {
  'features/passes.feature': feature('passes', 'it says what it runs', 'it passes'),
  'features/fails.feature': feature('fails', 'it says what it runs', 'it fails'),
  'features/exit-0.feature': feature('exit 0', 'it ends its process with code 0', 'it passes'),
  'features/exit-1.feature': feature('exit 1', 'it ends its process with code 1', 'it passes'),
  'features/sigkill.feature': feature('sigkill', 'it kills its own process', 'it passes'),
  'features/timer-throws.feature': feature('timer throws', 'it throws in a timer', 'it passes'),
  'features/unhandled-rejection.feature': feature('unhandled rejection', 'it leaves a rejection unhandled'),
  'features/hook-skips.feature':
    'Feature: hook skips\n  @precondition\n  Scenario: not here\n    Given it passes\n\n  Scenario: here\n    Given it passes\n',
  'features/pending.feature': feature('pending', 'it is pending', 'it passes'),
  'features/prints-before-failure.feature': feature('prints', 'it prints what a failed before-command prints'),
  // No scenario to run: cucumber-js runs none and exits 0.
  'features/background-only.feature': 'Feature: background only\n  Background:\n    Given it passes\n',
  'features/empty-examples.feature':
    'Feature: empty examples\n  Scenario Outline: none\n    Given it <does>\n\n    Examples:\n      | does |\n',
} as const;

export const HOSTILE_SUITE: Record<string, string> = {
  'features/step_definitions/hostile.js': STEPS,
  ...HOSTILE_FEATURES,
};
