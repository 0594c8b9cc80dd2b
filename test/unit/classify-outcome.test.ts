import { describe, expect, it } from 'vitest';
import { classifyOutcome } from '../../src/actors/classify-outcome.js';
import { BEFORE_COMMAND_FAILED } from '../../src/actors/feature-script.js';

const failedReport = [
  {
    name: 'F',
    elements: [{ name: 'S', steps: [{ keyword: 'Then ', name: 'it works', result: { status: 'failed', error_message: 'Expected 1\n    at x (y.js:1:1)' } }] }],
  },
];
const passedReport = [{ name: 'F', elements: [{ name: 'S', steps: [{ keyword: 'Given ', name: 'x', result: { status: 'passed' } }] }] }];
const base = { report: null, stderrTail: '', reportPath: '/tmp/r.json' };

describe('classifyOutcome', () => {
  it('passes on exit 0 with a clean report', () => {
    expect(classifyOutcome({ ...base, exit: { exitCode: 0, oomKilled: false }, report: passedReport })).toEqual({ status: 'passed' });
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
    expect(classifyOutcome({ ...base, exit: { exitCode: 0, oomKilled: false }, report: failedReport }).status).toBe('failed');
  });

  it('makes a failed before-command an error', () => {
    const outcome = classifyOutcome({ ...base, exit: { exitCode: 2, oomKilled: false }, stderrTail: `x\n${BEFORE_COMMAND_FAILED} 2\n` });
    expect(outcome).toEqual({ status: 'error', error: '--before-command failed with exit code 2' });
  });

  it('says out of memory for an OOM-killed container', () => {
    expect(classifyOutcome({ ...base, exit: { exitCode: 137, oomKilled: true } }).error).toMatch(/out of memory \(OOMKilled\)/);
  });

  it('makes an engine problem before exit an error, and cancellation wins over everything', () => {
    expect(classifyOutcome({ ...base, problem: 'could not create the container: boom' })).toEqual({ status: 'error', error: 'could not create the container: boom' });
    expect(classifyOutcome({ ...base, stopReason: 'interrupt', exit: { exitCode: 0, oomKilled: false } }).status).toBe('cancelled');
    expect(classifyOutcome({ ...base, stopReason: 'fail-fast', exit: { exitCode: 1, oomKilled: false } }).status).toBe('skipped');
  });
});
