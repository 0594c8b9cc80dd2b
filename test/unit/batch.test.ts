import { describe, expect, it } from 'vitest';
import { batchMembers } from '../../src/attempt/batch-members.js';
import { FEATURE_MS_WITHOUT_HISTORY, packBatches } from '../../src/batch/pack-batches.js';
import type { CucumberJson } from '../../src/domain/cucumber-json.js';
import { Dispatcher } from '../../src/dispatcher/dispatcher.js';
import type { JobEvents, JobLauncher } from '../../src/attempt/job-launcher.js';
import type { Job } from '../../src/domain/job.js';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { DEFAULT_BATCH_COMMAND, RunSpecSchema } from '../../src/domain/run-spec.js';
import { unstartedResult } from '../../src/attempt/result-without-container.js';

const files = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`);

describe('packBatches', () => {
  it('gives each feature a job of its own without --batch, and N each in order with --batch N', () => {
    expect(packBatches(['a', 'b', 'c'], {}, undefined, 2)).toEqual([['a'], ['b'], ['c']]);
    expect(packBatches(files(5), {}, { kind: 'count', size: 2 }, 2)).toEqual([['f0', 'f1'], ['f2', 'f3'], ['f4']]);
  });

  it('auto without history: one batch per slot, the features dealt in turn, until a slot has more than the target', () => {
    const batches = packBatches(files(40), {}, { kind: 'auto', targetMs: 60_000 }, 2);
    expect(batches).toEqual([files(40).filter((_, i) => i % 2 === 0), files(40).filter((_, i) => i % 2 === 1)]);
    // 200 features at FEATURE_MS_WITHOUT_HISTORY each are 200 s: two targets of 60 s per slot, four batches of 50.
    expect(packBatches(files(200), {}, { kind: 'auto', targetMs: 60_000 }, 2).map((batch) => batch.length)).toEqual([
      50, 50, 50, 50,
    ]);
    expect(FEATURE_MS_WITHOUT_HISTORY).toBe(1000);
  });

  it('auto never makes one slot run a last batch alone: 12 features of about 3 s at 2 slots make 2 batches', () => {
    // Measured (the bench's slow-support suite): first fit into bins of the work per slot opened a third bin
    // for the twelfth feature, which ran alone after the others and paid the start-up again (6.6 s for 3.5 s).
    const durations = [3300, 3200, 3100, 3000, 2900, 2800, 3400, 3000, 3100, 2500, 2800, 3000];
    const predictions = Object.fromEntries(files(12).map((file, i) => [file, durations[i]!]));
    const batches = packBatches(files(12), predictions, { kind: 'auto', targetMs: 60_000 }, 2);
    expect(batches.map((batch) => batch.length)).toEqual([6, 6]);
    expect(batches.flat().sort()).toEqual(files(12).sort());
  });

  it('auto with history: longest first into the least-loaded batch, a long feature alone, the unknown at the median', () => {
    const predictions = { long: 90_000, a: 40_000, b: 30_000, c: 20_000, d: 10_000 };
    const batches = packBatches(
      ['long', 'a', 'b', 'c', 'd', 'new'],
      predictions,
      { kind: 'auto', targetMs: 60_000 },
      2,
    );
    // new counts as the median, 30 s; 220 s make 2 × ceil(220 / 120) = 4 batches: long; a; b then c; new then d.
    expect(batches).toEqual([['long'], ['b', 'c'], ['a'], ['new', 'd']]);
  });

  it('auto makes a multiple of the slots, at most one batch per feature, and spreads features predicted at 0 ms', () => {
    const predictions = Object.fromEntries(files(10).map((file) => [file, 50_000]));
    // 500 s at 3 slots with a 60 s target: ceil(500 / 180) = 3 per slot, 9 batches, balanced as LPT deals them.
    expect(packBatches(files(10), predictions, { kind: 'auto', targetMs: 60_000 }, 3)).toHaveLength(9);
    expect(packBatches(files(3), predictions, { kind: 'auto', targetMs: 1000 }, 2)).toHaveLength(3);
    const instant = Object.fromEntries(files(6).map((file) => [file, 0]));
    expect(packBatches(files(6), instant, { kind: 'auto', targetMs: 60_000 }, 3).map((batch) => batch.length)).toEqual([
      2, 2, 2,
    ]);
  });
});

const feature = (uri: string, status: 'passed' | 'failed' | 'skipped' | 'pending', line = 3) => ({
  uri,
  name: uri,
  elements: [
    {
      name: 's',
      line,
      type: 'scenario',
      steps: [
        {
          name: 'x',
          keyword: 'Given ',
          result: { status, duration: 1e9, ...(status === 'failed' ? { error_message: `${uri} broke` } : {}) },
        },
      ],
    },
  ],
});
const evidence = (exitCode: number, report: CucumberJson | null) => ({
  exit: { exitCode, oomKilled: false },
  report,
  stderrTail: '',
  reportPath: '/r.json',
  image: 'img',
  reportExpected: true,
});

describe('batchMembers', () => {
  it("judges each feature by its own part: a batch's exit 1 from one failure does not fail the others", () => {
    const members = batchMembers(
      ['a.feature', 'b.feature'],
      evidence(1, [feature('a.feature', 'failed'), feature('b.feature', 'passed')]),
      { 'a.feature': [3], 'b.feature': [3] },
      4000,
    );
    expect(members.map((m) => [m.file, m.outcome.status])).toEqual([
      ['a.feature', 'failed'],
      ['b.feature', 'passed'],
    ]);
    expect(members[1]!.report?.map((f) => f.uri)).toEqual(['b.feature']);
  });

  it('makes a feature the report leaves out an error naming the batch', () => {
    const [, missing] = batchMembers(
      ['a.feature', 'b.feature'],
      evidence(0, [feature('a.feature', 'passed')]),
      { 'a.feature': [3], 'b.feature': [3] },
      4000,
    );
    expect(missing!.outcome).toEqual({
      status: 'error',
      error: expect.stringMatching(
        /^in its batch of 2 features \(a\.feature, b\.feature\): its Cucumber report does not name b\.feature/,
      ),
    });
  });

  it("never passes a feature none of whose scenarios ran because another's failure stopped its batch (the suite's failFast)", () => {
    // Seen on a public suite whose cucumber.yml says failFast: true: b's only scenario was skipped after a
    // failed, the batch exited 1, and b was reported passed although cucumber-js ran none of it.
    const members = batchMembers(
      ['a.feature', 'b.feature', 'c.feature'],
      evidence(1, [feature('a.feature', 'failed'), feature('b.feature', 'skipped'), feature('c.feature', 'passed')]),
      { 'a.feature': [3], 'b.feature': [3], 'c.feature': [3] },
      4000,
    );
    expect(members.map((m) => [m.file, m.outcome.status])).toEqual([
      ['a.feature', 'failed'],
      ['b.feature', 'skipped'],
      ['c.feature', 'passed'],
    ]);
    expect(members[1]!.outcome.error).toMatch(/^in its batch of 3 features .*: none of its scenarios ran/);
    // A batch that passed: a scenario skipped by its own hook is no failure, as cucumber-js has it.
    const passing = batchMembers(
      ['a.feature', 'b.feature'],
      evidence(0, [feature('a.feature', 'passed'), feature('b.feature', 'skipped')]),
      { 'a.feature': [3], 'b.feature': [3] },
      4000,
    );
    expect(passing.map((m) => m.outcome.status)).toEqual(['passed', 'passed']);
  });

  it("judges each feature's part as the run's strictness says: without strict mode a pending step is no failure", () => {
    // b's pending step fails nothing under --no-strict; the batch's exit 1 is a's failure, not held against b.
    const members = batchMembers(
      ['a.feature', 'b.feature'],
      { ...evidence(1, [feature('a.feature', 'failed'), feature('b.feature', 'pending')]), strict: false },
      { 'a.feature': [3], 'b.feature': [3] },
      4000,
    );
    expect(members.map((m) => [m.file, m.outcome.status])).toEqual([
      ['a.feature', 'failed'],
      ['b.feature', 'passed'],
    ]);
  });

  it('fails every feature on a non-zero exit that nothing in the report explains', () => {
    const members = batchMembers(
      ['a.feature', 'b.feature'],
      evidence(2, [feature('a.feature', 'passed'), feature('b.feature', 'passed')]),
      {},
      4000,
    );
    expect(members.map((m) => m.outcome.status)).toEqual(['failed', 'failed']);
    expect(members[0]!.outcome.error).toBe('in its batch of 2 features (a.feature, b.feature): exited with code 2');
  });

  it('makes every feature of an OOM-killed batch an error', () => {
    const members = batchMembers(
      ['a.feature', 'b.feature'],
      { ...evidence(137, null), exit: { exitCode: 137, oomKilled: true } },
      {},
      4000,
    );
    expect(members.map((m) => m.outcome)).toEqual([
      {
        status: 'error',
        error: 'in its batch of 2 features (a.feature, b.feature): out of memory (OOMKilled), exit code 137',
      },
      {
        status: 'error',
        error: 'in its batch of 2 features (a.feature, b.feature): out of memory (OOMKilled), exit code 137',
      },
    ]);
  });
});

class ManualLauncher implements JobLauncher {
  readonly started: (Job & { events: JobEvents })[] = [];
  launch(job: Job, _spec: unknown, _observer: unknown, events: JobEvents) {
    this.started.push({ ...job, events });
    return { cancel: () => {} };
  }
  unstarted = unstartedResult.bind(null, 'x', 1, 'interrupt') as never;
  runEnded = () => Promise.resolve();
}
const settle = (job: Job & { events: JobEvents }, statuses: FeatureResult['status'][]) => {
  job.events.stopped();
  job.files.forEach((file, i) =>
    job.events.settled({
      ...unstartedResult(file, job.attempt, 'interrupt', spec),
      status: statuses[i]!,
      error: undefined as never,
    }),
  );
};
const spec = RunSpecSchema.parse({
  image: 'img',
  features: files(4),
  concurrency: 1,
  retries: 1,
  batch: { kind: 'count', size: 2 },
  command: DEFAULT_BATCH_COMMAND,
});

describe('a dispatcher with --batch', () => {
  it('hands out batches, holds one slot per batch, and retries a failed feature of one alone', async () => {
    const launcher = new ManualLauncher();
    const results: FeatureResult[] = [];
    const run = new Dispatcher(1, launcher).submit('r', spec, {
      state: () => {},
      output: () => {},
      waiting: () => {},
      result: (r, final) => final && results.push(r),
    });
    expect(launcher.started.map((job) => job.files)).toEqual([['f0', 'f1']]);
    settle(launcher.started[0]!, ['passed', 'failed']);
    // The batch's container stopped before its features settled: the next batch took the slot; the retry of
    // the failed feature waits for the next one, alone in its container.
    expect(launcher.started.map((job) => [job.files, job.attempt])).toEqual([
      [['f0', 'f1'], 1],
      [['f2', 'f3'], 1],
    ]);
    settle(launcher.started[1]!, ['passed', 'passed']);
    expect(launcher.started.map((job) => [job.files, job.attempt])).toEqual([
      [['f0', 'f1'], 1],
      [['f2', 'f3'], 1],
      [['f1'], 2],
    ]);
    settle(launcher.started[2]!, ['passed']);
    expect(await run.finished).toMatchObject({ status: 'passed' });
    expect(results.map((r) => [r.file, r.status, r.flaky])).toEqual([
      ['f0', 'passed', false],
      ['f2', 'passed', false],
      ['f3', 'passed', false],
      ['f1', 'passed', true],
    ]);
  });
});

describe('the run spec with --batch', () => {
  it('refuses a command without {files}', () => {
    const parsed = RunSpecSchema.safeParse({
      image: 'img',
      features: ['a'],
      concurrency: 1,
      batch: { kind: 'count', size: 2 },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toContain('put {files} in --command');
  });
});
