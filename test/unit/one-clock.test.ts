import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wallTime } from '../../src/domain/run-clock.js';
import { createFileReporters } from '../../src/reporters/create-reporters.js';
import { featureResult, runOutcome } from '../support/run-fixtures.js';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

const START = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => ({ seconds: Math.floor((START + ms) / 1000), nanos: ((START + ms) % 1000) * 1e6 });

/** One feature's own cucumber run, as its container wrote it: its own start and end, a few hundred ms apart. */
const messages = (uri: string, fromMs: number, toMs: number) =>
  [
    { meta: { protocolVersion: '27.0.0' } },
    { testRunStarted: { timestamp: at(fromMs) } },
    { source: { uri, data: 'Feature: x\n', mediaType: 'text/x.cucumber.gherkin+plain' } },
    { testRunFinished: { success: true, timestamp: at(toMs) } },
  ]
    .map((envelope) => JSON.stringify(envelope))
    .join('\n');

/** The same feature's Cucumber JSON: one scenario whose one step took `ms` (cucumber-js gives nanoseconds). */
const json = (uri: string, ms: number) => [
  {
    uri,
    name: uri,
    keyword: 'Feature',
    elements: [
      {
        type: 'scenario',
        keyword: 'Scenario',
        name: 's',
        line: 2,
        steps: [{ keyword: 'Given ', name: 'x', result: { status: 'passed', duration: ms * 1e6 } }],
      },
    ],
  },
];

describe('one clock', () => {
  it('every report states the run wall time, from its first start to its last end', async () => {
    const reportDir = await mkdtemp(join(tmpdir(), 'baleen-one-clock-'));
    roots.push(reportDir);
    // A run of 16.7 s whose first feature (in file order) started late and took 0.43 s, as issue 21 saw it.
    const outcome = runOutcome(
      [
        featureResult({
          file: 'features/a.feature',
          durationMs: 430,
          cucumberMessages: messages('features/a.feature', 9000, 9430),
          cucumberJson: json('features/a.feature', 430),
        }),
        featureResult({
          file: 'features/b.feature',
          durationMs: 11_000,
          cucumberMessages: messages('features/b.feature', 500, 11_500),
          cucumberJson: json('features/b.feature', 11_000),
        }),
      ],
      [],
      { status: 'passed', durationMs: 16_700 },
    );
    outcome.info.startedAt = new Date(START);
    outcome.info.reportDir = reportDir;
    await createFileReporters({ lineage: { readFrom: reportDir } }).onEnd(outcome);
    const read = (name: string) => readFile(join(reportDir, name), 'utf8');

    expect(JSON.parse(await read('summary.json')).durationMs).toBe(16_700);
    expect(await read('junit.xml')).toMatch(/<testsuites [^>]*time="16\.700"/);
    // cucumber.html draws its duration from these two messages.
    const envelopes = (await read('messages.ndjson'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const started = envelopes.find((envelope) => envelope.testRunStarted).testRunStarted.timestamp;
    const finished = envelopes.find((envelope) => envelope.testRunFinished).testRunFinished.timestamp;
    expect([started, finished]).toEqual([at(0), at(16_700)]);
    // index.html: the run's time in its metadata and where the template says "Execution Time" (its steps' sum).
    const html = (await read('index.html')).replaceAll(/\s+/g, ' ');
    expect(html).toMatch(
      /Execution Time: 16\.7s \(the run, from its first start to its last end; steps 11s 430ms in all\)/,
    );
    expect(html).not.toMatch(/Execution Time: 11s/);
  });

  it('merged shards took from the first one to start to the last one to end', () => {
    const shard = (startMs: number, durationMs: number) => ({
      info: { ...runOutcome([]).info, startedAt: new Date(START + startMs) },
      durationMs,
    });
    // Two machines, the second starting 30 s later: the pipeline took 90 s, not its longest shard's 60 s.
    expect(wallTime([shard(0, 60_000), shard(30_000, 60_000)])).toEqual({
      startedAt: new Date(START),
      durationMs: 90_000,
    });
  });
});
