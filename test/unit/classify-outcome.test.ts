import { describe, expect, it } from 'vitest';
import { classifyOutcome } from '../../src/attempt/classify-outcome.js';

const failedReport = [
  {
    name: 'F',
    uri: 'features/f.feature',
    elements: [
      {
        name: 'S',
        steps: [
          {
            keyword: 'Then ',
            name: 'it works',
            result: { status: 'failed', error_message: 'Expected 1\n    at x (y.js:1:1)' },
          },
        ],
      },
    ],
  },
];
const passed = (line: number) => ({
  name: `S${line}`,
  type: 'scenario',
  line,
  steps: [{ keyword: 'Given ', name: 'x', result: { status: 'passed' } }],
});
const passedReport = [{ name: 'F', uri: 'features/f.feature', elements: [passed(2)] }];
const base = {
  report: null,
  stderrTail: '',
  reportPath: '/tmp/r.json',
  file: 'features/f.feature',
  image: 'suite:1',
  reportExpected: true,
};
const exit0 = { exitCode: 0, oomKilled: false };

describe('classifyOutcome', () => {
  it('passes on exit 0 with a clean report', () => {
    expect(classifyOutcome({ ...base, exit: exit0, report: passedReport, expectedLines: [2] })).toEqual({
      status: 'passed',
    });
  });

  it('fails a non-zero exit without a report, never passing it silently, and says why', () => {
    const outcome = classifyOutcome({ ...base, exit: { exitCode: 1, oomKilled: false } });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('without writing a Cucumber report');
  });

  it('names the first failed step', () => {
    const outcome = classifyOutcome({ ...base, exit: { exitCode: 1, oomKilled: false }, report: failedReport });
    expect(outcome).toEqual({ status: 'failed', error: 'S › Then it works: Expected 1' });
  });

  it('fails a report with failed steps even if the command exited 0', () => {
    expect(classifyOutcome({ ...base, exit: { exitCode: 0, oomKilled: false }, report: failedReport }).status).toBe(
      'failed',
    );
  });

  it('makes a failed before-command an error', () => {
    const outcome = classifyOutcome({
      ...base,
      exit: { exitCode: 2, oomKilled: false },
      beforeCommandExit: 2,
    });
    expect(outcome).toEqual({ status: 'error', error: '--before-command failed with exit code 2' });
  });

  it('says out of memory for an OOM-killed container', () => {
    expect(classifyOutcome({ ...base, exit: { exitCode: 137, oomKilled: true } }).error).toMatch(
      /out of memory \(OOMKilled\)/,
    );
  });

  it('makes an engine problem before exit an error, and cancellation wins over everything', () => {
    expect(classifyOutcome({ ...base, problem: 'could not create the container: boom' })).toEqual({
      status: 'error',
      error: 'could not create the container: boom',
    });
    expect(classifyOutcome({ ...base, stopReason: 'interrupt', exit: { exitCode: 0, oomKilled: false } }).status).toBe(
      'cancelled',
    );
    expect(classifyOutcome({ ...base, stopReason: 'fail-fast', exit: { exitCode: 1, oomKilled: false } }).status).toBe(
      'skipped',
    );
  });

  it('passes exit 0 only when the report names the feature and has every expected scenario', () => {
    const report = [{ name: 'F', uri: 'features/f.feature', elements: [passed(2), passed(7), passed(8)] }];
    expect(classifyOutcome({ ...base, exit: exit0, report, expectedLines: [2, 7, 8] })).toEqual({ status: 'passed' });
    expect(classifyOutcome({ ...base, exit: exit0, report, expectedLines: [2, 7, 8, 9, 12] })).toEqual({
      status: 'error',
      error: 'its Cucumber report lacks 2 of the 5 scenarios of features/f.feature (line 9, 12)',
    });
  });

  it('makes exit 0 with a report that names no scenario of the feature, or not the feature, an error saying so', () => {
    expect(classifyOutcome({ ...base, exit: exit0, report: [], expectedLines: [2] })).toEqual({
      status: 'error',
      error:
        'its Cucumber report does not name features/f.feature, which holds 1 scenario (it names no feature): nothing shows that it ran',
    });
    const other = [{ name: 'G', uri: 'features/g.feature', elements: [passed(2)] }];
    expect(classifyOutcome({ ...base, exit: exit0, report: other, expectedLines: [2] }).error).toMatch(
      /does not name features\/f.feature.*\(it names features\/g.feature\)/,
    );
    const empty = [{ name: 'F', uri: 'features/f.feature', elements: [] }];
    expect(classifyOutcome({ ...base, exit: exit0, report: empty, expectedLines: [2, 3] })).toEqual({
      status: 'error',
      error: 'its Cucumber report names no scenario of features/f.feature, which holds 2 scenarios',
    });
    // Without the client's expectation a named feature must still show a scenario.
    expect(classifyOutcome({ ...base, exit: exit0, report: empty }).status).toBe('error');
  });

  it('makes exit 0 without a report an error when the template writes one, and judges by exit code alone when it does not', () => {
    expect(classifyOutcome({ ...base, exit: exit0 })).toEqual({
      status: 'error',
      error:
        'exited with code 0 without writing a Cucumber report to /tmp/r.json: nothing shows that its scenarios ran',
    });
    expect(classifyOutcome({ ...base, reportExpected: false, exit: exit0 })).toEqual({ status: 'passed' });
    expect(classifyOutcome({ ...base, reportExpected: false, exit: { exitCode: 1, oomKilled: false } }).status).toBe(
      'failed',
    );
  });

  it('passes a feature without scenarios that the report leaves out, as cucumber-js does', () => {
    expect(classifyOutcome({ ...base, exit: exit0, report: [], expectedLines: [] })).toEqual({ status: 'passed' });
  });

  it('names a command missing from the image (127) or not executable (126), not a parse error or crash', () => {
    const missing = classifyOutcome({
      ...base,
      exit: { exitCode: 127, oomKilled: false },
      stderrTail: 'sh: cucumber-js: not found\n',
    });
    expect(missing).toEqual({
      status: 'error',
      error:
        '`cucumber-js` was not found in image suite:1: exit code 127 (sh: cucumber-js: not found); check the image and --command',
    });
    const bash = classifyOutcome({
      ...base,
      exit: { exitCode: 127, oomKilled: false },
      stderrTail: 'bash: line 1: cukes: command not found\n',
    });
    expect(bash.error).toMatch(/^`cukes` was not found in image suite:1/);
    const denied = classifyOutcome({
      ...base,
      exit: { exitCode: 126, oomKilled: false },
      stderrTail: 'sh: ./run.sh: Permission denied\n',
    });
    expect(denied.error).toMatch(/^`\.\/run\.sh` is not executable in image suite:1: exit code 126/);
  });

  it('passes a feature whose scenario its own hook skipped, as cucumber-js does (issue 18, item 5)', () => {
    const skipped = {
      ...passed(7),
      before: [{ keyword: 'Before', result: { status: 'skipped' } }],
      steps: [{ keyword: 'Given ', name: 'x', result: { status: 'skipped' } }],
    };
    const report = [{ name: 'F', uri: 'features/f.feature', elements: [passed(2), skipped] }];
    expect(classifyOutcome({ ...base, exit: exit0, report, expectedLines: [2, 7] })).toEqual({ status: 'passed' });
  });

  it('fails pending steps in strict mode (the default) only; undefined, ambiguous and failed ones always, as cucumber-js does', () => {
    const withStep = (status: string) => [
      {
        name: 'F',
        uri: 'features/f.feature',
        elements: [
          passed(2),
          {
            ...passed(7),
            steps: [
              { keyword: 'Given ', name: 'x', result: { status } },
              { keyword: 'Then ', name: 'y', result: { status: 'skipped' } },
            ],
          },
        ],
      },
    ];
    const judge = (status: string, strict?: boolean) =>
      classifyOutcome({
        ...base,
        exit: exit0,
        report: withStep(status),
        expectedLines: [2, 7],
        ...(strict === undefined ? {} : { strict }),
      }).status;
    expect(['pending', 'undefined', 'ambiguous', 'failed'].map((status) => judge(status))).toEqual([
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
    expect(['pending', 'undefined', 'ambiguous', 'failed'].map((status) => judge(status, false))).toEqual([
      'passed',
      'failed',
      'failed',
      'failed',
    ]);
  });

  it('says the image may hold another version of the file when the report has scenarios at other lines', () => {
    const report = [{ name: 'F', uri: 'features/f.feature', elements: [passed(3), passed(9)] }];
    expect(classifyOutcome({ ...base, exit: exit0, report, expectedLines: [2, 9] })).toEqual({
      status: 'error',
      error:
        'its Cucumber report lacks 1 of the 2 scenarios of features/f.feature (line 2); it has scenarios at line 3 instead: is the image built from this tree?',
    });
  });
});
