import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-trace-');

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur: number;
  pid: number;
  tid: number;
  args?: { feature?: string; attempt?: number; name?: string };
}

/** The engine's part of a container's life, in the order it happens. */
const CONTAINER_PHASES = ['create', 'attach', 'start', 'run', 'exit', 'collect', 'remove'];

describe('--trace and the phases of each attempt', () => {
  it("records every attempt's container phases in results.json and the run's timeline in the trace file", async () => {
    const reportDir = scratch.reportDir();
    const trace = scratch.path('run.trace.json');
    const result = await runCli(
      [
        'cucumber',
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        'features/fail.feature',
        '--retries',
        '1',
        '--concurrency',
        '2',
        '--report-dir',
        reportDir,
        '--trace',
        trace,
      ],
      { cwd: FIXTURE_SUITE },
    );
    expect(result.code, result.stderr).toBe(1);

    // results.json: each final result's container went through the engine's phases in order, each phase
    // starting once the one before ended, all within the attempt's duration.
    const { version, results } = JSON.parse(await readFile(join(reportDir, 'results.json'), 'utf8')) as {
      version: number;
      results: FeatureResult[];
    };
    expect(version).toBe(4);
    expect(results).toHaveLength(2);
    for (const feature of results) {
      const phases = feature.phases!.filter((phase) => phase.phase !== 'network' && phase.phase !== 'ready');
      expect(phases.map((phase) => phase.phase)).toEqual(CONTAINER_PHASES);
      for (let i = 1; i < phases.length; i++)
        expect(phases[i]!.at).toBeGreaterThanOrEqual(phases[i - 1]!.at + phases[i - 1]!.ms - 1);
      const run = phases.find((phase) => phase.phase === 'run')!;
      expect(Math.abs(run.at - feature.containerStartedAt!)).toBeLessThanOrEqual(50);
      // A container made ahead of its slot was made before the attempt began: from its slot on, it fits.
      const ready = feature.phases!.find((phase) => phase.phase === 'ready');
      const slotAt = ready === undefined ? 0 : ready.at + ready.ms;
      const spent = feature.phases!.filter((phase) => phase.at >= slotAt).reduce((sum, phase) => sum + phase.ms, 0);
      expect(spent).toBeLessThanOrEqual(feature.durationMs + 5);
      expect(spent).toBeGreaterThan(0);
    }

    // The trace: the client's phases in order, then every attempt (the failed feature's retry too) on its slot.
    const { traceEvents } = JSON.parse(await readFile(trace, 'utf8')) as { traceEvents: TraceEvent[] };
    const client = traceEvents.filter((event) => event.ph === 'X' && event.pid === 1).map((event) => event.name);
    expect(client).toEqual(['load', 'plan', 'server', 'connect', 'accept', 'probe', 'run', 'reports', 'close']);
    const containers = traceEvents.filter((event) => event.ph === 'X' && event.pid === 2);
    const attempts = new Set(containers.map((event) => `${event.args!.feature}#${event.args!.attempt}`));
    expect([...attempts].sort()).toEqual([
      'features/fail.feature#1',
      'features/fail.feature#2',
      'features/pass.feature#1',
    ]);
    for (const attempt of attempts) {
      const names = containers
        .filter(
          (event) =>
            `${event.args!.feature}#${event.args!.attempt}` === attempt &&
            event.name !== 'network' &&
            event.name !== 'ready',
        )
        .map((event) => event.name);
      expect(names, attempt).toEqual(CONTAINER_PHASES);
    }
    expect(new Set(containers.map((event) => event.tid))).toEqual(new Set([0, 1]));
  });

  it('after a run whose containers mostly started, one line names warm workers and about how long they would take', async () => {
    // Instant scenarios: each container's time is Node, cucumber-js and the engine, and its scenario next to nothing.
    const files = ['features/pass.feature', 'features/with space.feature', 'features/café ünïcode.feature'];
    const args = ['cucumber', '--image', TEST_IMAGE, '--files', ...files, '--concurrency', '1'];
    const result = await runCli([...args, '--report-dir', scratch.reportDir()], { cwd: FIXTURE_SUITE });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^baleen: its containers spent \d+% of their time starting \([\d.]+m?s of [\d.]+m?s each, on average\): --isolation worker \(one warm container per slot\) would take about [\dm.]+s instead of [\dm.]+s here \(see docs\/isolation\.md\)$/m,
    );
    // --quiet prints the summary alone.
    const quiet = await runCli([...args, '--quiet', '--report-dir', scratch.reportDir()], { cwd: FIXTURE_SUITE });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).not.toMatch(/time starting/);
  });

  it("says so when the trace cannot be written, and keeps the run's exit code", async () => {
    // A file where the trace's folder would be: no folder can be made there.
    const blocker = scratch.path('a-file');
    await writeFile(blocker, '');
    const result = await runCli(
      [
        'cucumber',
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--report-dir',
        scratch.reportDir(),
        '--trace',
        join(blocker, 'not-a-folder', 'trace.json'),
      ],
      { cwd: FIXTURE_SUITE },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^baleen: could not write the trace to .*not-a-folder\/trace\.json: /m);
  });
});
