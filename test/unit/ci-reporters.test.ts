import { describe, expect, it } from 'vitest';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { scenarioFailures } from '../../src/reporters/ci/failures.js';
import { failureOutput, githubFold, gitlabFold } from '../../src/reporters/ci/fold.js';
import { githubAnnotations } from '../../src/reporters/ci/github-annotations.js';
import { githubStepSummary } from '../../src/reporters/ci/github-step-summary.js';
import { featureResult, runOutcome, tail } from '../support/run-fixtures.js';

const step = (keyword: string, name: string, status: string, error_message?: string) => ({
  keyword,
  name,
  result: { status, duration: 1_000_000, ...(error_message ? { error_message } : {}) },
});
const result = featureResult;
const outcome = (results: FeatureResult[]) =>
  runOutcome(results, [], {
    status: results.every((r) => r.status === 'passed') ? 'passed' : 'failed',
    durationMs: 9000,
  });

const failing = result({
  file: 'features/pay, now: fast.feature',
  status: 'failed',
  exitCode: 1,
  durationMs: 4000,
  node: 'ci-box',
  stdout: tail('expected 5\n::warning ::from the suite\n'),
  stderr: tail('WARN slow\n', 300),
  cucumberJson: [
    {
      name: 'Pay',
      uri: 'features/pay, now: fast.feature',
      elements: [
        { type: 'scenario', name: 'pays', line: 3, steps: [step('Given ', 'a card', 'passed')] },
        {
          type: 'scenario',
          name: 'refunds 100%',
          line: 7,
          steps: [
            step('Given ', 'a card', 'passed'),
            step('Then ', 'the refund is 5', 'failed', 'AssertionError: 4 == 5\n  at refund.js:3 ```'),
          ],
        },
      ],
    },
  ],
});
const parseError = result({
  file: 'features/broken.feature',
  status: 'failed',
  exitCode: 1,
  durationMs: 500,
  error: 'exited 1 without writing a Cucumber report',
  stderr: tail('Parse error in features/broken.feature (2:3)\n'),
});
const flaky = result({
  file: 'features/flaky.feature',
  flaky: true,
  attempt: 2,
  durationMs: 2000,
  previousAttempts: [{ attempt: 1, status: 'failed', exitCode: 1, durationMs: 1900, error: 'scenario "x" failed' }],
});
const run = outcome([failing, parseError, flaky, result({ file: 'features/quick.feature', durationMs: 100 })]);

describe('failed scenarios as CI pages show them', () => {
  it('one per failed scenario, with file, line, step and error; a feature without a report at its line 1', () => {
    expect(scenarioFailures(run)).toEqual([
      {
        file: 'features/pay, now: fast.feature',
        line: 7,
        scenario: 'refunds 100%',
        step: 'Then the refund is 5',
        message: 'AssertionError: 4 == 5\n  at refund.js:3 ```',
      },
      expect.objectContaining({ file: 'features/broken.feature', line: 1, step: 'baleen ran the feature: failed' }),
    ]);
    expect(scenarioFailures(run)[1]!.message).toContain('Parse error in features/broken.feature (2:3)');
  });
});

describe('GitHub Actions', () => {
  it('an ::error annotation per failed scenario, escaped as the runner reads workflow commands', () => {
    const lines = githubAnnotations(scenarioFailures(run)).split('\n');
    expect(lines[0]).toBe(
      '::error file=features/pay%2C now%3A fast.feature,line=7,title=refunds 100%25 (features/pay%2C now%3A fast.feature%3A7)::Then the refund is 5%0AAssertionError: 4 == 5%0A  at refund.js:3 ```',
    );
    expect(lines[1]).toMatch(
      /^::error file=features\/broken\.feature,line=1,title=.*::baleen ran the feature: failed%0Aexited 1 without writing a Cucumber report/,
    );
    expect(lines).toHaveLength(3); // and the final newline
  });

  it('a Gherkin parse error is annotated at the line the parser named', () => {
    const unparsable = result({
      file: 'features/bad.feature',
      status: 'failed',
      exitCode: null,
      error: 'Gherkin parse error at line 4: (4:5): expected …',
      errorLine: 4,
    });
    expect(githubAnnotations(scenarioFailures(outcome([unparsable])))).toMatch(
      /^::error file=features\/bad\.feature,line=4,/,
    );
  });

  it('escape sequences in an error or a name never reach the log raw', () => {
    const hostile = [
      {
        file: 'f\x1b]0;pwned\x07.feature',
        line: 2,
        scenario: 's\x1b[2J',
        step: 'Then x',
        message: '\x1b[31mred\x1b[0m and \x1b]8;;http://x\x07link',
      },
    ];
    const text = githubAnnotations(hostile);
    expect(text).not.toContain('\x1b');
    expect(text).toContain('red and link');
    expect(text).toContain('f\\x1b]0;pwned\\x07.feature');
  });

  it('past 50 annotations, one more says how many were left out', () => {
    const many = Array.from({ length: 53 }, (_, i) => ({
      file: 'f.feature',
      line: i + 1,
      scenario: `s${i}`,
      step: 'Then x',
      message: 'e',
    }));
    const lines = githubAnnotations(many).trim().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines[50]).toBe("::error ::and 3 more failed scenarios: see the job's summary and the report");
  });

  it("each failed feature's output in a group; a line of the suite's that reads as a command is defused", () => {
    const text = failureOutput([failing], githubFold);
    expect(text).toBe(
      [
        '::group::baleen: stdout of features/pay, now: fast.feature (failed)',
        'expected 5',
        ' ::warning ::from the suite',
        '::endgroup::',
        '::group::baleen: stderr of features/pay, now: fast.feature (failed) (the last 10 characters; logs/ has all of it)',
        'WARN slow',
        '::endgroup::',
        '',
      ].join('\n'),
    );
  });

  it('a Markdown summary: totals, failures with step and error, flaky ones, the slowest features', () => {
    const markdown = githubStepSummary(run, scenarioFailures(run));
    expect(markdown).toContain('### baleen: ❌ failed');
    expect(markdown).toContain('4 features in 9.0s');
    // The features without a report (one passed by its exit code, one broken) have no scenario.
    expect(markdown).toContain('| passed | 2 | 1 |');
    expect(markdown).toContain('| failed | 2 | 1 |');
    expect(markdown).toContain('| flaky (passed on a retry) | 1 | |');
    expect(markdown).toContain('#### Failures (2)');
    expect(markdown).toContain(
      '**refunds 100%** · `features/pay, now: fast.feature:7`\n\nThen the refund is 5\n\n````\nAssertionError: 4 == 5\n  at refund.js:3 ```\n````',
    );
    expect(markdown).toContain(
      '- `features/flaky.feature` passed on attempt 2 (attempt 1: failed, scenario "x" failed)',
    );
    const slowest = markdown.slice(markdown.indexOf('#### Slowest features'));
    expect(
      slowest
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((line) => line.split(' | ')[0]),
    ).toEqual([
      '| `features/pay, now: fast.feature`',
      '| `features/flaky.feature`',
      '| `features/broken.feature`',
      '| `features/quick.feature`',
    ]);
    expect(slowest).toContain('| 4.0s | ci-box |');
  });

  it("a suite's names cannot inject Markdown or HTML into the summary", () => {
    const hostile = result({
      file: 'features/x.feature',
      status: 'failed',
      exitCode: 1,
      cucumberJson: [
        {
          name: 'X',
          uri: 'features/x.feature',
          elements: [
            {
              type: 'scenario',
              name: '<img src=x onerror=alert(1)> [link](http://evil) **bold**',
              line: 2,
              steps: [step('Then ', '`code` | pipe', 'failed', 'boom')],
            },
          ],
        },
      ],
    });
    const markdown = githubStepSummary(outcome([hostile]), scenarioFailures(outcome([hostile])));
    expect(markdown).toContain('**\\<img src=x onerror=alert(1)\\> \\[link\\](http://evil) \\*\\*bold\\*\\***');
    expect(markdown).toContain('Then \\`code\\` \\| pipe');
  });

  it('a run that passed says so, with no failure section', () => {
    const markdown = githubStepSummary(outcome([result({})]), []);
    expect(markdown).toContain('### baleen: ✅ passed');
    expect(markdown).not.toContain('Failures');
  });
});

describe('GitLab CI', () => {
  it("each failed feature's output in a collapsed section, named and timed as GitLab reads them", () => {
    const text = failureOutput(
      [parseError],
      gitlabFold(() => 1_700_000_000_500),
    );
    expect(text).toBe(
      '\x1b[0Ksection_start:1700000000:baleen_output_1[collapsed=true]\r\x1b[0Kbaleen: stderr of features/broken.feature (failed)\n' +
        'Parse error in features/broken.feature (2:3)\n' +
        '\x1b[0Ksection_end:1700000000:baleen_output_1\r\x1b[0K\n',
    );
  });
});
