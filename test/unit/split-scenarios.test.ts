import { describe, expect, it } from 'vitest';
import type { RunObserver } from '../../src/dispatcher/run-observer.js';
import { fillCommand } from '../../src/attempt/feature-script.js';
import { cucumberLineArgument } from '../../src/cucumber-cli/path-argument.js';
import { DEFAULT_COMMAND, RunSpecSchema } from '../../src/domain/run-spec.js';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { firstAttempts, scenarioWork } from '../../src/dispatcher/first-attempts.js';
import { heldForReassembly, reassembleFeature } from '../../src/dispatcher/reassemble-feature.js';
import { OUTPUT_TAIL_BYTES } from '../../src/attempt/attempt.js';
import { FakeRuntime, type FakeBehaviour, fakeDispatcher } from '../support/fake-runtime.js';

// The job model and the reassembly of --split scenarios against a scripted runtime; e2e/split.test.ts runs real containers.

const passedElement = (line: number) => ({
  name: `S${line}`,
  type: 'scenario',
  line,
  steps: [{ keyword: 'Given ', name: 'ok', result: { status: 'passed', duration: 1e6 } }],
});
const failedElement = (line: number) => ({
  name: `S${line}`,
  type: 'scenario',
  line,
  steps: [{ keyword: 'Given ', name: 'boom', result: { status: 'failed', error_message: 'boom' } }],
});
const reportOf = (file: string, elements: unknown[]) => JSON.stringify([{ name: 'F', uri: file, elements }]);

function splitRun(
  lines: Record<string, number[]>,
  behaviour: (file: string, line: number, attempt: number) => FakeBehaviour,
  options: { concurrency?: number; retries?: number; failFast?: boolean; predictions?: Record<string, number> } = {},
) {
  const runtime = new FakeRuntime((spec) => {
    const file = spec.labels['io.baleen.feature']!;
    const line = Number(spec.labels['io.baleen.line']);
    return behaviour(file, line, Number(spec.labels['io.baleen.attempt']));
  });
  const states: string[] = [];
  const results: FeatureResult[] = [];
  const retried: FeatureResult[] = [];
  const observer: RunObserver = {
    state: (file, attempt, state) => states.push(`${file}#${attempt} ${state}`),
    output: () => {},
    waiting: () => {},
    result: (result, final) => (final ? results : retried).push(result),
  };
  const concurrency = options.concurrency ?? 4;
  const spec = RunSpecSchema.parse({
    image: 'img',
    features: Object.keys(lines),
    expectedScenarioLines: lines,
    concurrency,
    split: 'scenarios',
    retries: options.retries ?? 0,
    failFast: options.failFast ?? false,
    predictions: options.predictions ?? {},
  });
  const dispatcher = fakeDispatcher(runtime, concurrency);
  const dispatched = dispatcher.submit('r1', spec, observer);
  return { done: dispatched.finished, runtime, states, results, retried };
}

describe('--split scenarios: the job model', () => {
  it('makes one job per expected line, and runs a feature whose lines are unknown or none whole', () => {
    expect(scenarioWork(['a.feature', 'b.feature', 'c.feature'], { 'a.feature': [3, 7], 'c.feature': [] })).toEqual([
      { files: ['a.feature'], line: 3 },
      { files: ['a.feature'], line: 7 },
      { files: ['b.feature'] },
      { files: ['c.feature'] },
    ]);
  });

  it('orders scenario jobs by their own predictions, keyed path:line, longest first', () => {
    const spec = RunSpecSchema.parse({
      image: 'img',
      features: ['a.feature', 'b.feature'],
      expectedScenarioLines: { 'a.feature': [3, 7], 'b.feature': [4] },
      predictions: { 'a.feature:3': 100, 'a.feature:7': 900, 'b.feature:4': 500 },
      concurrency: 2,
      split: 'scenarios',
    });
    expect(firstAttempts(spec)).toEqual([
      { files: ['a.feature'], line: 7 },
      { files: ['b.feature'], line: 4 },
      { files: ['a.feature'], line: 3 },
    ]);
  });

  it('gives the runner path:line through {file}, and refuses paths cucumber-js would not apply a line to', () => {
    expect(fillCommand(DEFAULT_COMMAND, { files: ['features/a b.feature'], line: 12, report: '/r.json' })).toContain(
      `'./features/a b.feature:12'`,
    );
    expect(cucumberLineArgument('features/a[1].feature', 3)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('ignores `:LINE`'),
    });
    const refused = RunSpecSchema.safeParse({
      image: 'img',
      features: ['features/a[1].feature'],
      concurrency: 1,
      split: 'scenarios',
    });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toContain('cannot be split into scenarios');
    const batched = RunSpecSchema.safeParse({
      image: 'img',
      features: ['a.feature'],
      concurrency: 1,
      split: 'scenarios',
      batch: { kind: 'count', size: 2 },
      command: 'x {files}',
    });
    expect(batched.error?.issues.map((issue) => issue.message)).toContain(
      '--split scenarios runs one scenario per container and --batch several features per container: use one of them',
    );
  });
});

describe('--split scenarios: dispatching and reassembly', () => {
  it('runs each scenario in its own container and reports each feature once, its scenarios in file order', async () => {
    const { done, runtime, results, states } = splitRun(
      { 'a.feature': [3, 7, 11], 'b.feature': [2] },
      (file, line) => ({
        report: reportOf(file, [passedElement(line)]),
        stdout: `out of ${line}\n`,
      }),
    );
    expect(await done).toMatchObject({ status: 'passed' });
    expect(
      runtime.created.map((spec) => `${spec.labels['io.baleen.feature']}:${spec.labels['io.baleen.line']}`).sort(),
    ).toEqual(['a.feature:11', 'a.feature:3', 'a.feature:7', 'b.feature:2']);
    for (const spec of runtime.created)
      expect(spec.script).toContain(
        ` ./${spec.labels['io.baleen.feature']}:${spec.labels['io.baleen.line']} --format json:`,
      );
    expect(results.map((r) => r.file).sort()).toEqual(['a.feature', 'b.feature']);
    const a = results.find((r) => r.file === 'a.feature')!;
    expect(a).toMatchObject({ status: 'passed', attempt: 1, flaky: false });
    expect(a.cucumberJson).toHaveLength(1);
    expect(a.cucumberJson![0]!.elements!.map((e) => e.line)).toEqual([3, 7, 11]);
    expect(a.scenarioJobs!.map((job) => [job.line, job.status])).toEqual([
      [3, 'passed'],
      [7, 'passed'],
      [11, 'passed'],
    ]);
    expect(new Set(a.scenarioJobs!.map((job) => job.slot)).size).toBeGreaterThan(1);
    expect(a.stdout.text).toBe(
      '── a.feature:3 ──\nout of 3\n── a.feature:7 ──\nout of 7\n── a.feature:11 ──\nout of 11\n',
    );
    expect(a.durationMs).toBeCloseTo(a.scenarioJobs!.reduce((sum, job) => sum + job.durationMs, 0));
    // A scenario's container is followed under its own name, so the feature's scenarios running side by side stay apart.
    expect(states).toContain('a.feature:7#1 running');
    expect(states.some((state) => state.startsWith('a.feature#'))).toBe(false);
  });

  it('retries only the failed scenario, and the feature is flaky once it passes', async () => {
    const { done, runtime, results, retried } = splitRun(
      { 'a.feature': [3, 7] },
      (file, line, attempt) => ({
        report: reportOf(file, [line === 7 && attempt === 1 ? failedElement(line) : passedElement(line)]),
        exitCode: line === 7 && attempt === 1 ? 1 : 0,
      }),
      { retries: 1 },
    );
    expect(await done).toMatchObject({ status: 'passed' });
    expect(
      runtime.created.map((spec) => `${spec.labels['io.baleen.line']}#${spec.labels['io.baleen.attempt']}`).sort(),
    ).toEqual(['3#1', '7#1', '7#2']);
    expect(retried.map((r) => [r.file, r.attempt, r.status])).toEqual([['a.feature:7', 1, 'failed']]);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ file: 'a.feature', status: 'passed', flaky: true, attempt: 2 });
    expect(results[0]!.previousAttempts).toEqual([
      expect.objectContaining({ attempt: 1, status: 'failed', error: expect.stringMatching(/^line 7: /) }),
    ]);
  });

  it('fails the feature when one scenario fails, naming its line, and keeps the passed ones', async () => {
    const { done, results } = splitRun({ 'a.feature': [3, 7] }, (file, line) => ({
      report: reportOf(file, [line === 3 ? failedElement(line) : passedElement(line)]),
      exitCode: line === 3 ? 1 : 0,
    }));
    expect(await done).toMatchObject({ status: 'failed' });
    expect(results[0]).toMatchObject({
      status: 'failed',
      exitCode: 1,
      errorLine: 3,
      error: expect.stringMatching(/^a\.feature:3: /),
    });
    expect(results[0]!.cucumberJson![0]!.elements!.map((e) => e.line)).toEqual([3, 7]);
  });

  it('is strict: a scenario whose report lacks its line is an error, not passed', async () => {
    // The runner ran another scenario (say, the image holds another version of the file) and exited 0.
    const { done, results } = splitRun({ 'a.feature': [3, 7] }, (file, line) => ({
      report: reportOf(file, [passedElement(line === 7 ? 8 : line)]),
    }));
    expect(await done).toMatchObject({ status: 'failed' });
    expect(results[0]).toMatchObject({
      status: 'error',
      error: expect.stringContaining('a.feature:7: its Cucumber report'),
    });
    expect(results[0]!.scenarioJobs!.map((job) => job.status)).toEqual(['passed', 'error']);
  });

  it('with --fail-fast, a failed scenario skips the scenarios still queued, and their features settle', async () => {
    const { done, results, runtime } = splitRun(
      { 'a.feature': [3, 7, 11], 'b.feature': [2, 5] },
      (file, line) =>
        file === 'a.feature' && line === 3
          ? { report: reportOf(file, [failedElement(line)]), exitCode: 1 }
          : { report: reportOf(file, [passedElement(line)]), runsForMs: 20 },
      { concurrency: 1, failFast: true },
    );
    expect(await done).toMatchObject({ status: 'failed' });
    // b's scenarios were still queued: none of them got a container.
    expect(runtime.created.map((spec) => spec.labels['io.baleen.feature'])).not.toContain('b.feature');
    expect(results.map((r) => [r.file, r.status]).sort()).toEqual([
      ['a.feature', 'failed'],
      ['b.feature', 'skipped'],
    ]);
  });
});

describe('reassembleFeature', () => {
  const base = (
    line: number,
    status: FeatureResult['status'],
    extra: Partial<FeatureResult> = {},
  ): { line: number; result: FeatureResult } => ({
    line,
    result: {
      file: 'f.feature',
      attempt: 1,
      status,
      flaky: false,
      previousAttempts: [],
      exitCode: status === 'passed' ? 0 : 1,
      durationMs: 10,
      stdout: { text: '', totalBytes: 0, truncatedBytes: 0 },
      stderr: { text: '', totalBytes: 0, truncatedBytes: 0 },
      cucumberJson: null,
      engineFailure: false,
      ...extra,
    },
  });

  it('keeps a Cucumber-JVM Background element before its scenario when putting elements in file order', () => {
    const background = { type: 'background', line: 2, name: 'B', steps: [{ result: { status: 'passed' } }] };
    const json = (line: number) => [{ uri: 'f.feature', name: 'F', elements: [background, passedElement(line)] }];
    const merged = reassembleFeature(
      'f.feature',
      [base(9, 'passed', { cucumberJson: json(9) }), base(5, 'passed', { cucumberJson: json(5) })],
      [5, 9],
    );
    expect(merged.status).toBe('passed');
    expect(merged.cucumberJson![0]!.elements!.map((e) => `${e.type}@${e.line}`)).toEqual([
      'background@2',
      'scenario@5',
      'background@2',
      'scenario@9',
    ]);
  });

  it('takes the worst status: failed over error over cancelled over skipped, and an engine failure marks the feature', () => {
    expect(reassembleFeature('f.feature', [base(1, 'skipped'), base(2, 'cancelled')], [1, 2]).status).toBe('cancelled');
    const errored = reassembleFeature(
      'f.feature',
      [base(1, 'error', { engineFailure: true, error: 'could not create' }), base(2, 'passed')],
      [1, 2],
    );
    expect(errored).toMatchObject({
      status: 'error',
      engineFailure: true,
      error: 'f.feature:1: could not create',
      errorLine: 1,
    });
    expect(
      reassembleFeature('f.feature', [base(1, 'error'), base(2, 'failed'), base(3, 'failed')], [1, 2, 3]).error,
    ).toBe('f.feature:2: failed (and 1 more failed: line 3)');
  });

  it("puts the scenario jobs' Cucumber Messages into one stream: the feature's document and pickles once, each test case at its pickle", () => {
    // Each job's cucumber parsed the whole file (two pickles, ids of its own) and ran one of them.
    const job = (tag: string, ranLine: number) =>
      [
        { meta: { protocolVersion: '1' } },
        { testRunStarted: { timestamp: { seconds: 1, nanos: 0 } } },
        { source: { uri: 'f.feature', data: 'Feature: F' } },
        { gherkinDocument: { uri: 'f.feature', feature: { name: 'F', children: [] } } },
        ...[3, 7].map((line) => ({
          pickle: {
            id: `${tag}-p${line}`,
            uri: 'f.feature',
            location: { line },
            name: `S${line}`,
            astNodeIds: [],
            steps: [{ id: `${tag}-s${line}`, astNodeIds: [], text: 'x' }],
          },
        })),
        { stepDefinition: { id: `${tag}-def` } },
        {
          testCase: {
            id: `${tag}-tc`,
            pickleId: `${tag}-p${ranLine}`,
            testSteps: [{ id: `${tag}-ts`, pickleStepId: `${tag}-s${ranLine}`, stepDefinitionIds: [`${tag}-def`] }],
          },
        },
        { testRunFinished: { success: true, timestamp: { seconds: 2, nanos: 0 } } },
      ]
        .map((envelope) => `${JSON.stringify(envelope)}\n`)
        .join('');
    const merged = reassembleFeature(
      'f.feature',
      [base(3, 'passed', { cucumberMessages: job('a', 3) }), base(7, 'passed', { cucumberMessages: job('b', 7) })],
      [3, 7],
    ).cucumberMessages!;
    const envelopes = merged
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as Record<
            string,
            { id?: string; pickleId?: string; testSteps?: { pickleStepId: string }[] }
          >,
      );
    const of = (kind: string) => envelopes.filter((envelope) => kind in envelope).map((envelope) => envelope[kind]!);
    expect(of('gherkinDocument')).toHaveLength(1);
    expect(of('source')).toHaveLength(1);
    expect(of('pickle').map((pickle) => pickle.id)).toEqual(['a-p3', 'a-p7']);
    expect(of('testCase').map((testCase) => [testCase.pickleId, testCase.testSteps![0]!.pickleStepId])).toEqual([
      ['a-p3', 'a-s3'],
      ['a-p7', 'a-s7'],
    ]);
    expect(of('testRunFinished')).toHaveLength(1);
  });

  it("holds each scenario's output to its share of the feature's tail, so the feature keeps every scenario's end", () => {
    const chatty = (line: number) => {
      const text = `${'x'.repeat(99_990)}end of ${line}\n`;
      return {
        line,
        result: heldForReassembly(
          base(line, 'passed', { stdout: { text, totalBytes: Buffer.byteLength(text), truncatedBytes: 0 } }).result,
          64,
        ),
      };
    };
    const scenarios = Array.from({ length: 64 }, (_, i) => chatty(i + 1));
    expect(Buffer.byteLength(scenarios[0]!.result.stdout.text)).toBe(OUTPUT_TAIL_BYTES / 64);
    const merged = reassembleFeature(
      'f.feature',
      scenarios,
      scenarios.map(({ line }) => line),
    );
    for (let line = 1; line <= 64; line++) expect(merged.stdout.text).toContain(`── f.feature:${line} ──\n`);
    expect(merged.stdout.text.match(/end of \d+\n/g)).toHaveLength(64);
    expect(merged.stdout.totalBytes - merged.stdout.truncatedBytes).toBe(Buffer.byteLength(merged.stdout.text));
  });

  it("counts what each scenario had cut from its output as cut from the feature's", () => {
    const merged = reassembleFeature(
      'f.feature',
      [base(1, 'passed', { stdout: { text: 'tail\n', totalBytes: 105, truncatedBytes: 100 } })],
      [1],
    );
    expect(merged.stdout).toEqual({
      text: '── f.feature:1 ──\ntail\n',
      totalBytes: 105 + Buffer.byteLength('── f.feature:1 ──\n'),
      truncatedBytes: 100,
    });
  });
});
