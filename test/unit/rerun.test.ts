import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fillCommand } from '../../src/attempt/feature-script.js';
import { selectFeatures } from '../../src/client/select-features.js';
import { resolveFileSelection } from '../../src/config/file-selection.js';
import { formatRerunFile, parseRerunFile, splitFileLines } from '../../src/cucumber-cli/rerun-file.js';
import type { ParsedFeature } from '../../src/domain/feature-plan.js';
import { RunSpecSchema } from '../../src/domain/run-spec.js';
import { nearestScenario, selectLines } from '../../src/gherkin/line-selection.js';
import { parseFeature } from '../../src/gherkin/parse-feature.js';
import { rerunEntries } from '../../src/reporters/files/rerun-reporter.js';
import { featureResult, runOutcome } from '../support/run-fixtures.js';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

const CHECKOUT = [
  'Feature: Checkout',
  '  Scenario: pays',
  '    Given a step',
  '',
  '  Scenario Outline: adds <a>',
  '    Given a step',
  '',
  '    Examples:',
  '      | a |',
  '      | 1 |',
  '      | 2 |',
  '',
].join('\n');
const plan = parseFeature('features/checkout.feature', CHECKOUT) as ParsedFeature;

describe('path:LINE', () => {
  it('splits a trailing run of :NUMBER off the path, as cucumber-js does', () => {
    expect(splitFileLines('features/a.feature:12')).toEqual({ path: 'features/a.feature', lines: [12] });
    expect(splitFileLines('features/a.feature:2:12')).toEqual({ path: 'features/a.feature', lines: [2, 12] });
    expect(splitFileLines('features/a:b.feature:3')).toEqual({ path: 'features/a:b.feature', lines: [3] });
    expect(splitFileLines('features/a.feature')).toEqual({ path: 'features/a.feature' });
    expect(splitFileLines('features/a.feature:')).toEqual({ path: 'features/a.feature:' });
    expect(splitFileLines('features/a.feature:x1')).toEqual({ path: 'features/a.feature:x1' });
  });

  it("selects a Scenario by its line, an Examples row by its own, and every row by its outline's", () => {
    expect(plan.scenarios.map((scenario) => [scenario.line, scenario.outlineLine])).toEqual([
      [2, undefined],
      [10, 5],
      [11, 5],
    ]);
    const lines = (selected: number[]) => selectLines(plan, selected).plan?.scenarios.map((scenario) => scenario.line);
    expect(lines([2])).toEqual([2]);
    expect(lines([11])).toEqual([11]);
    expect(lines([5])).toEqual([10, 11]);
    expect(selectLines(plan, [2, 6, 99]).unmatched).toEqual([6, 99]);
    expect(selectLines(plan, [3]).plan).toBeUndefined();
  });

  it('names the scenario a line falls in, and where the scenarios start', () => {
    expect(nearestScenario(plan, 3)).toEqual({
      suggestion: 'features/checkout.feature:2 ("pays")',
      starts: 'its scenarios start at lines 2, 5 (Examples rows at 10, 11)',
    });
    expect(nearestScenario(plan, 8).suggestion).toBe('features/checkout.feature:5 ("adds <a>")');
    expect(nearestScenario(plan, 1).suggestion).toBe('features/checkout.feature:2 ("pays")');
  });

  it('hands the container the selected lines of a feature, and of each feature of a batch', () => {
    expect(
      fillCommand('cucumber-js {file}', {
        files: ['features/a.feature'],
        selectedLines: { 'features/a.feature': [7, 20] },
        report: '/r.json',
      }),
    ).toBe('cucumber-js ./features/a.feature:7:20');
    expect(
      fillCommand('cucumber-js {files}', {
        files: ['features/a.feature', 'features/b.feature'],
        selectedLines: { 'features/b.feature': [3] },
        report: '/r.json',
      }),
    ).toBe('cucumber-js ./features/a.feature ./features/b.feature:3');
  });

  it('refuses lines on a path cucumber-js would read as a glob (it would run every scenario)', () => {
    const spec = (path: string) =>
      RunSpecSchema.safeParse({ image: 'runner', concurrency: 1, features: [path], selectedLines: { [path]: [3] } });
    expect(spec('features/a.feature').success).toBe(true);
    const refused = spec('features/a[1].feature');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/cannot be run by line: cucumber-js ignores `:LINE`/);
  });

  it('reads --files as files, folders and path:LINE, a file named whole winning over its lines', async () => {
    const root = await mkdtemp(join(tmpdir(), 'baleen-file-selection-'));
    roots.push(root);
    await mkdir(join(root, 'features'));
    for (const name of ['a.feature', 'b.feature', 'c.feature:3']) await writeFile(join(root, 'features', name), '');
    expect(
      await resolveFileSelection(['features/a.feature:7:2', 'features/b.feature:4', 'features/b.feature'], root),
    ).toEqual({ features: ['features/a.feature', 'features/b.feature'], lines: { 'features/a.feature': [2, 7] } });
    // A file whose own name ends in :NUMBER is that file (the run spec then refuses it as it always did).
    expect(await resolveFileSelection(['features/c.feature:3'], root)).toEqual({
      features: ['features/c.feature:3'],
      lines: {},
    });
    await expect(resolveFileSelection(['features:3'], root)).rejects.toThrow(
      '--files features:3: features is not a feature file',
    );
  });
});

describe('--last-failed / --last-run with --split scenarios', () => {
  const selectionOf = async (rerun: string, files = ['features/']) => {
    const root = await mkdtemp(join(tmpdir(), 'baleen-last-run-'));
    roots.push(root);
    await mkdir(join(root, 'features'));
    await writeFile(join(root, 'features', 'checkout.feature'), CHECKOUT);
    await writeFile(join(root, 'features', 'other.feature'), 'Feature: Other\n  Scenario: s\n    Given a step\n');
    await writeFile(join(root, 'rerun.txt'), rerun);
    const said: string[] = [];
    const err = { write: (text: string) => said.push(text) } as unknown as NodeJS.WritableStream;
    const selection = await selectFeatures(
      { files, lastRun: join(root, 'rerun.txt'), split: 'scenarios' },
      { cwd: root, err },
    );
    const lines = selection.plans.map((plan) => [
      plan.file,
      plan.kind === 'parsed' ? plan.scenarios.map((s) => s.line) : [],
    ]);
    return { selection, lines, said: said.join('') };
  };

  it('reruns the scenarios at those lines; a line the file no longer has reruns the whole feature, saying so', async () => {
    expect((await selectionOf('features/checkout.feature:10\n')).lines).toEqual([['features/checkout.feature', [10]]]);
    const moved = await selectionOf('features/checkout.feature:7\n');
    expect(moved.lines).toEqual([['features/checkout.feature', [2, 10, 11]]]);
    expect(moved.said).toContain('features/checkout.feature has no scenario at line 7 any more');
  });

  it('says there is nothing to rerun when nothing that failed is among --files', async () => {
    const { selection } = await selectionOf('features/checkout.feature:10\n', ['features/other.feature']);
    expect(selection.plans).toEqual([]);
    expect(selection.rerun).toMatchObject({ nothing: true, said: expect.stringContaining('nothing to rerun') });
  });
});

describe('@rerun.txt', () => {
  it('is written and read as cucumber-js writes and reads a rerun file', () => {
    const text = formatRerunFile([{ path: 'features/a.feature', lines: [7, 20] }, { path: 'features/b.feature' }]);
    expect(text).toBe('features/a.feature:7:20\nfeatures/b.feature\n');
    expect(parseRerunFile(text)).toEqual([
      { path: 'features/a.feature', lines: [7, 20] },
      { path: 'features/b.feature' },
    ]);
    // cucumber-js's own formatter ends without a newline; Windows' with CR; blank lines are nothing.
    expect(parseRerunFile('  features/a.feature:3\r\n\n features/c.feature:1:2')).toEqual([
      { path: 'features/a.feature', lines: [3] },
      { path: 'features/c.feature', lines: [1, 2] },
    ]);
    expect(formatRerunFile([])).toBe('');
  });

  it('names each failed or errored feature: its failed scenarios, its failed scenario jobs, or the whole file', () => {
    const failedAt = (file: string, ...lines: number[]) => [
      {
        uri: file,
        name: 'f',
        elements: lines.map((line) => ({
          type: 'scenario',
          name: `s${line}`,
          line,
          steps: [{ keyword: 'Then ', name: 'x', result: { status: 'failed', error_message: 'no' } }],
        })),
      },
    ];
    const outcome = runOutcome([
      featureResult({
        file: 'features/z.feature',
        status: 'failed',
        cucumberJson: failedAt('features/z.feature', 20, 7),
      }),
      featureResult({ file: 'features/ok.feature' }),
      featureResult({ file: 'features/timeout.feature', status: 'error', cucumberJson: null }),
      featureResult({ file: 'features/crash.feature', status: 'failed', cucumberJson: [] }),
      featureResult({ file: 'features/skipped.feature', status: 'skipped' }),
      featureResult({
        file: 'features/split.feature',
        status: 'error',
        scenarioJobs: [
          { line: 3, status: 'passed', attempt: 1, exitCode: 0, durationMs: 1, flaky: false, previousAttempts: [] },
          { line: 9, status: 'error', attempt: 1, exitCode: null, durationMs: 1, flaky: false, previousAttempts: [] },
        ],
      }),
    ]);
    expect(rerunEntries(outcome)).toEqual([
      { path: 'features/crash.feature' },
      { path: 'features/split.feature', lines: [9] },
      { path: 'features/timeout.feature' },
      { path: 'features/z.feature', lines: [7, 20] },
    ]);
  });
});
