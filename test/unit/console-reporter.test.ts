import { PassThrough } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FeatureResult, ScenarioJob } from '../../src/domain/feature-run.js';
import type { ConsoleReporter as ConsoleReporterClass } from '../../src/reporters/console/console-reporter.js';
import { ReporterMultiplexer } from '../../src/reporters/multiplexer.js';
import { featureResult, runOutcome, tail } from '../support/run-fixtures.js';

// Without colours, so that any escape in the output is one the run brought in.
let ConsoleReporter: typeof ConsoleReporterClass;
beforeAll(async () => {
  vi.stubEnv('NO_COLOR', '1');
  vi.stubEnv('FORCE_COLOR', '');
  ({ ConsoleReporter } = await import('../../src/reporters/console/console-reporter.js'));
  // As a run on a terminal does before it begins (see client/run-suite.ts).
  await (await import('../../src/reporters/console/live-block.js')).loadLiveDrawing();
});

// A window title, a screen clear, a hyperlink, a cursor move, a carriage return, a bell, a C1 CSI.
const HOSTILE =
  '\x1b]0;pwned\x07\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\x1b[1A\roverwritten\x08\x9b2J';
const result = (over: Partial<FeatureResult>): FeatureResult =>
  featureResult({ status: 'failed', exitCode: 1, durationMs: 1500, ...over });
const outcome = (results: FeatureResult[]) => runOutcome(results);

function capture(): { out: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { out: stream as unknown as NodeJS.WriteStream, text: () => text };
}

describe('the console and terminal escape sequences', () => {
  it('prints file names with their control characters shown, and output and errors without them', async () => {
    const { out, text } = capture();
    const reporter = new ConsoleReporter({ out, verbosity: 'verbose', live: false, reportDir: '/tmp/report' });
    const hostile = result({
      file: `features/evil${HOSTILE}.feature`,
      error: `exited with code 1: ${HOSTILE}`,
      stderr: tail(`boom ${HOSTILE}\nlast line`),
    });
    reporter.onBegin(outcome([hostile]).info);
    reporter.onFeatureOutput({ file: hostile.file, attempt: 1, stream: 'stderr', data: `live ${HOSTILE}\n` });
    reporter.onFeatureResult(hostile);
    reporter.onEnd(outcome([hostile]));
    // eslint-disable-next-line no-control-regex
    expect(text()).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(text()).toContain('features/evil\\x1b]0;pwned\\x07\\x1b[2J');
    expect(text()).toContain('boom clickoverwritten');
  });
});

describe('--verbose', () => {
  afterEach(() => vi.useRealTimers());
  const verbose = () => {
    const { out, text } = capture();
    const reporter = new ConsoleReporter({ out, verbosity: 'verbose', live: false, reportDir: '/tmp/report' });
    reporter.onBegin(outcome([result({ file: 'features/export.feature' })]).info);
    const say = (data: string, file = 'features/export.feature', stream: 'stdout' | 'stderr' = 'stdout') =>
      reporter.onFeatureOutput({ file, attempt: 1, stream, data });
    const lines = () => text().split('\n').slice(1);
    return { reporter, say, lines };
  };

  it('prefixes whole lines: a line that comes in pieces is printed once, whole', () => {
    const { say, lines } = verbose();
    say('expo');
    say('rt: row 2735 written\nrow 2736');
    say(' written\n');
    // Another feature's line, in between, stays its own.
    say('other\n', 'features/b.feature');
    expect(lines()).toEqual([
      '[features/export.feature] export: row 2735 written',
      '[features/export.feature] row 2736 written',
      '[features/b.feature] other',
      '',
    ]);
  });

  it('holds progress dots until their line ends, or a short while: never a line per dot', () => {
    vi.useFakeTimers();
    const { say, lines, reporter } = verbose();
    for (const dot of ['.', '.', '.']) say(dot);
    expect(lines()).toEqual(['']);
    vi.advanceTimersByTime(2000);
    expect(lines()).toEqual(['[features/export.feature] ...', '']);
    say('..F');
    // The feature's result prints what is held first.
    reporter.onFeatureResult(result({ file: 'features/export.feature' }));
    expect(lines()[1]).toBe('[features/export.feature] ..F');
  });
});

describe('where the console says the report is', () => {
  const run = async (failing: string[]) => {
    const { out, text } = capture();
    const broken = failing.map((name) => ({ name, onEnd: () => Promise.reject(new Error('disk full')) }));
    const multiplexer: ReporterMultiplexer = new ReporterMultiplexer([
      ...broken,
      new ConsoleReporter({
        out,
        verbosity: 'normal',
        live: false,
        reportDir: '/tmp/report',
        unwritten: () => multiplexer.failed,
      }),
    ]);
    await multiplexer.onEnd(outcome([result({})]));
    return { text: text(), errors: multiplexer.errors };
  };

  it('names every file when all were written', async () => {
    expect((await run([])).text).toContain(
      'report: /tmp/report/index.html (also cucumber.json, junit.xml, summary.json, logs/)\n',
    );
  });

  it('never points at a file that was not written', async () => {
    const { text, errors } = await run(['index.html', 'logs']);
    expect(text).toContain('report: /tmp/report/ (cucumber.json, junit.xml, summary.json)\n');
    expect(text).toContain('not written: index.html, logs/');
    expect(text).not.toContain('index.html (also');
    expect(text).not.toMatch(/logs: /);
    expect(errors).toEqual(['index.html reporter: disk full', 'logs reporter: disk full']);
  });

  it('points at nothing when the files could not be moved into the report dir', async () => {
    const { text } = await run(['report dir']);
    expect(text).toContain('report: /tmp/report/ (nothing)\n');
    expect(text).toContain('not written: index.html, cucumber.json, junit.xml, summary.json, logs/');
  });
});

describe('the CI logs and terminal escape sequences', () => {
  it("fold a failed feature's output without its escapes, a name with them shown", async () => {
    const { failureOutput, githubFold } = await import('../../src/reporters/ci/fold.js');
    const text = failureOutput(
      [result({ file: `features/evil${HOSTILE}.feature`, stderr: tail(`boom ${HOSTILE}\n::error::forged`) })],
      githubFold,
    );
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(text).toContain('::group::baleen: stderr of features/evil\\x1b]0;pwned\\x07');
    expect(text).toContain('\n ::error::forged\n');
  });
});

describe('the failure list', () => {
  const step = (name: string, status: string, error?: string) => ({
    keyword: 'Then ',
    name,
    line: 3,
    result: { status, duration: 1, ...(error ? { error_message: error } : {}) },
  });
  const report = [
    {
      name: 'F',
      uri: 'features/a.feature',
      elements: [
        {
          name: 'one',
          line: 2,
          type: 'scenario',
          steps: [step('it works', 'failed', 'AssertionError: 1 !== 2\n    at Object.<anonymous> (steps.js:3:9)')],
        },
        { name: 'two', line: 7, type: 'scenario', steps: [step('it is written', 'undefined')] },
        { name: 'three', line: 9, type: 'scenario', steps: [step('it passes', 'passed')] },
      ],
    },
  ];

  const end = (results: FeatureResult[]) => {
    const { out, text } = capture();
    new ConsoleReporter({ out, verbosity: 'normal', live: false, reportDir: '/tmp/report' }).onEnd(outcome(results));
    return text();
  };

  it('names every failed scenario at file:line with its step and error (no stack), then both streams', () => {
    const text = end([
      result({
        cucumberJson: report,
        error: 'one › Then it works: AssertionError',
        stdout: tail('diff on stdout\n'),
        stderr: tail('WARN on stderr\n'),
      }),
    ]);
    expect(text).toContain('Failures (1 feature):');
    expect(text).toContain('features/a.feature: 2 scenarios failed');
    expect(text).toMatch(/✗ features\/a\.feature:2 one\n\s+Then it works\n\s+AssertionError: 1 !== 2\n/);
    expect(text).not.toContain('at Object.<anonymous>');
    expect(text).toMatch(/✗ features\/a\.feature:7 two\n\s+Then it is written \(undefined\)/);
    expect(text).not.toContain('three');
    expect(text).toMatch(/stdout \(last 1 line\):\n\s+diff on stdout/);
    expect(text).toMatch(/stderr \(last 1 line\):\n\s+WARN on stderr/);
  });

  it('shows a feature without a report by its error and both streams, and counts in the singular for one', () => {
    const text = end([
      result({ status: 'error', error: 'Gherkin parse error at line 4', stdout: tail('out\n'), stderr: tail('err\n') }),
    ]);
    expect(text).toContain('features/a.feature: Gherkin parse error at line 4');
    expect(text).not.toContain('feature run');
    expect(text).toMatch(/stdout \(last 1 line\):\n\s+out/);
    expect(text).toMatch(/stderr \(last 1 line\):\n\s+err/);
    expect(text).toContain('1 error of 1;');
  });
});

describe('progress in a CI log', () => {
  it('counts every finished feature as [n/N]', () => {
    const { out, text } = capture();
    const results = [result({ file: 'features/a.feature', status: 'passed' }), result({ file: 'features/b.feature' })];
    const reporter = new ConsoleReporter({ out, verbosity: 'normal', live: false, reportDir: '/tmp/report' });
    reporter.onBegin(outcome(results).info);
    results.forEach((r) => reporter.onFeatureResult(r));
    expect(text()).toContain('baleen: 2 features on img');
    expect(text()).toMatch(/^\[1\/2\] ✓ PASS +features\/a\.feature/m);
    expect(text()).toMatch(/^\[2\/2\] ✗ FAIL +features\/b\.feature/m);
  });
});

describe('progress of a --split scenarios run', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const job = (line: number, over: Partial<ScenarioJob> = {}): ScenarioJob => ({
    line,
    attempt: 1,
    status: 'passed',
    flaky: false,
    previousAttempts: [],
    exitCode: 0,
    durationMs: 2000,
    ...over,
  });

  it("in a CI log, counts features and lists each one's scenarios indented under it", () => {
    const { out, text } = capture();
    const long = result({
      file: 'features/long.feature',
      error: 'features/long.feature:11: boom',
      scenarioJobs: [job(7), job(11, { status: 'failed', attempt: 2, exitCode: 1, error: 'boom' })],
    });
    const reporter = new ConsoleReporter({ out, verbosity: 'normal', live: false, reportDir: '/tmp/report' });
    reporter.onBegin({
      ...outcome([long, result({ file: 'features/b.feature' })]).info,
      scenarioJobs: { 'features/long.feature': 2, 'features/b.feature': 1 },
    });
    reporter.onFeatureResult(long);
    expect(text()).toContain('baleen: 2 features split into 3 scenario jobs on img');
    expect(text()).toMatch(
      /^\[1\/2\] ✗ FAIL +features\/long\.feature \(1\.5s\).*\n {4}✓ PASS +features\/long\.feature:7 \(2\.0s\)\n {4}✗ FAIL +features\/long\.feature:11 \(2\.0s, attempt 2\) — boom\n/m,
    );
  });

  it('on a terminal, shows a running feature with its running scenarios under it, and counts the scenarios that wait as queued', () => {
    vi.useFakeTimers({ now: 10_000 });
    const { out, text } = capture();
    Object.assign(out, { columns: 200 });
    const reporter = new ConsoleReporter({ out, verbosity: 'normal', live: true, reportDir: '/tmp/report' });
    reporter.onBegin({
      ...outcome([result({ file: 'features/long.feature' })]).info,
      startedAt: new Date(10_000),
      scenarioJobs: { 'features/long.feature': 4 },
    });
    reporter.onFeatureState({ file: 'features/long.feature:7', attempt: 1, state: 'running', at: 10_000 });
    reporter.onFeatureState({ file: 'features/long.feature:11', attempt: 1, state: 'creating', at: 10_000 });
    vi.advanceTimersByTime(1_100);
    reporter.onFeatureState({ file: 'features/long.feature:7', attempt: 1, state: 'done', at: 11_100 });
    vi.advanceTimersByTime(200);
    const drawn = text().slice(text().lastIndexOf('running'));
    expect(drawn).toMatch(/^running +features\/long\.feature 1\/4 scenarios done, 1\.2s\n +creating +:11 1\.2s\n/);
    expect(drawn).toContain('1/4 scenarios done, 1 active, 2 queued; features 0/1 done');
  });
});

describe('live lines on a terminal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("count each feature's time from its attempt's start, not its last state, and show the ETA from the timing history", () => {
    vi.useFakeTimers({ now: 10_000 });
    const { out, text } = capture();
    Object.assign(out, { columns: 200 });
    const reporter = new ConsoleReporter({ out, verbosity: 'normal', live: true, reportDir: '/tmp/report' });
    const info = { ...outcome([result({})]).info, startedAt: new Date(10_000), expectedMs: 20_000 };
    reporter.onBegin(info);
    reporter.onFeatureState({ file: 'features/a.feature', attempt: 1, state: 'creating', at: 10_000 });
    vi.advanceTimersByTime(3_000);
    reporter.onFeatureState({ file: 'features/a.feature', attempt: 1, state: 'running', at: 13_000 });
    // Redrawn 100 ms after a change, then once a second: the last drawing is at 15.1 s.
    vi.advanceTimersByTime(2_100);
    const drawn = text().slice(text().lastIndexOf('running'));
    expect(drawn).toMatch(/^running +features\/a\.feature 5\.1s/);
    expect(drawn).toContain('0/1 done, 1 active, 0 queued; ETA 14.9s (the timing history expects 20.0s)');
    vi.advanceTimersByTime(20_000);
    expect(text().slice(text().lastIndexOf('running'))).toMatch(
      /^running +features\/a\.feature 25\.1s[\s\S]*5\.1s over the 20\.0s the timing history expects/,
    );
    // A retry's timer starts again.
    reporter.onFeatureState({ file: 'features/a.feature', attempt: 2, state: 'creating', at: 35_000 });
    vi.advanceTimersByTime(1_100);
    expect(text().slice(text().lastIndexOf('creating'))).toMatch(/^creating \(attempt 2\) features\/a\.feature 1\.2s/);
  });
});
