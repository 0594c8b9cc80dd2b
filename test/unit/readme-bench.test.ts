import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BenchMeasures,
  median,
  README_BEGIN,
  README_END,
  readmeBlock,
  renderGoals,
  withReadmeBlock,
} from '../../bench/goals-table.mjs';

const REPO = join(import.meta.dirname, '../..');
const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const measures = JSON.parse(readFileSync(join(REPO, 'bench/readme-bench.json'), 'utf8')) as BenchMeasures;

/** The README's speed table is the bench's output (`npm run bench:readme`), not text written by hand. */
describe("README.md's bench block", () => {
  it('is there once, between its markers', () => {
    expect(readme.split(README_BEGIN)).toHaveLength(2);
    expect(readme.split(README_END)).toHaveLength(2);
    expect(readme.indexOf(README_BEGIN)).toBeLessThan(readme.indexOf(README_END));
  });

  it('is exactly the table the bench renders from the measures it saved with it', () => {
    expect(readmeBlock(readme)).toBe(renderGoals(measures));
  });

  it('says the machine, the date, the load before and after, the engine and the rounds', () => {
    const block = readmeBlock(readme) ?? '';
    expect(block).toMatch(
      /^Measured \d{4}-\d\d-\d\dT[\d:.]+Z to \d{4}-\d\d-\d\dT[\d:.]+Z on \d+ × .+, [\d.]+ GB memory, Docker \S+, Node v20\.[\d.]+; load average \(1, 5, 15 min\) [\d.]+ [\d.]+ [\d.]+ before, [\d.]+ [\d.]+ [\d.]+ after\. Median of \d+ interleaved rounds\./,
    );
    expect(block).toMatch(/^Containers left on the engine: \d+\.$/m);
  });

  it("holds each of issue 22's goal rows and every way of the ts-node suite, each with its measured ratio", () => {
    const names = measures.rows.map((row) => row.name);
    expect(names).toEqual(['trivial', 'skewed', 'split', 'fixed', 'ts-node']);
    const tsNode = measures.rows.find((row) => row.name === 'ts-node');
    expect(tsNode?.ways.map((way) => way.key)).toEqual([
      'ts-node/feature',
      'ts-node/batch',
      'ts-node/worker',
      'ts-node/host',
    ]);
    const block = readmeBlock(readme) ?? '';
    for (const name of names) {
      expect(block).toMatch(
        new RegExp(
          `^\\| ${name}: .* \\| [\\d.]+s \\| [\\d.]+s \\(.+\\) \\| [\\d.]+× \\| (≤ [\\d.]+×|–) \\| (yes|no|–) \\|$`,
          'm',
        ),
      );
    }
    // Every ratio is of the medians of real rounds: as many samples for each way as the rounds said.
    for (const row of measures.rows)
      for (const way of row.ways) expect(measures.samples[way.key]).toHaveLength(measures.context.rounds);
  });
});

describe('renderGoals', () => {
  const context = {
    startedAt: '2026-12-07T02:00:00.000Z',
    endedAt: '2026-12-07T02:20:00.000Z',
    machine: '2 × Test CPU',
    memoryGb: '23.5',
    engine: '20.10.24',
    node: 'v20.20.0',
    rounds: 3,
    loadAtStart: [1, 2, 3],
    loadAtEnd: [4, 5, 6],
  };

  it("puts each goal row's ratio of medians beside its goal, and says whether it is met", () => {
    const table = renderGoals({
      context,
      containersLeft: 0,
      rows: [
        {
          name: 'trivial',
          what: 'x',
          goal: 1.1,
          ways: [
            { key: 'trivial/baleen', label: 'baleen' },
            { key: 'trivial/engine', label: 'bare engine loop' },
          ],
        },
      ],
      samples: { 'trivial/baleen': [12_000, 11_000, 99_000], 'trivial/engine': [10_000, 10_000, 10_000] },
    });
    expect(table).toContain('| trivial: x | 12.00s | 10.00s (bare engine loop) | 1.20× | ≤ 1.10× | no |');
  });

  it('prints a ratio that two decimals would round onto its goal with a third, so "no" never sits beside "1.10× ≤ 1.10×"', () => {
    const row = (name: string) => ({
      name,
      what: 'x',
      goal: 1.1,
      ways: [
        { key: `${name}/baleen`, label: 'baleen' },
        { key: `${name}/engine`, label: 'bare engine loop' },
      ],
    });
    const table = renderGoals({
      context,
      containersLeft: 0,
      rows: [row('over'), row('under')],
      samples: {
        'over/baleen': [12_300],
        'over/engine': [11_140],
        'under/baleen': [10_960],
        'under/engine': [10_000],
      },
    });
    expect(table).toContain('| over: x | 12.30s | 11.14s (bare engine loop) | 1.104× | ≤ 1.10× | no |');
    expect(table).toContain('| under: x | 10.96s | 10.00s (bare engine loop) | 1.096× | ≤ 1.10× | yes |');
  });

  it("sets each way of a mode row against the row's baseline, with a way's own goal or none", () => {
    const table = renderGoals({
      context,
      containersLeft: 1,
      rows: [
        {
          name: 'ts-node',
          what: 'y',
          ways: [
            { key: 'ts-node/feature', label: 'per feature' },
            { key: 'ts-node/worker', label: 'worker', goal: 1.3 },
            { key: 'ts-node/host', label: 'host', baseline: true },
          ],
        },
      ],
      samples: { 'ts-node/feature': [50_000], 'ts-node/worker': [12_000], 'ts-node/host': [10_000] },
    });
    expect(table).toContain('| ts-node: y; per feature | 50.00s | 10.00s (host) | 5.00× | – | – |');
    expect(table).toContain('| ts-node: y; worker | 12.00s | 10.00s (host) | 1.20× | ≤ 1.30× | yes |');
    expect(table).toContain('Containers left on the engine: 1.');
  });

  it('writes into the one block of a README and nowhere else', () => {
    const before = `a\n${README_BEGIN}\nold\n${README_END}\nb\n`;
    expect(withReadmeBlock(before, 'new')).toBe(`a\n${README_BEGIN}\nnew\n${README_END}\nb\n`);
    expect(() => withReadmeBlock('no block', 'new')).toThrow(/needs one/);
    expect(median([3, 1, 2])).toBe(2);
  });
});
