import { hostname } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { featureLauncher } from '../../src/actors/feature-launcher.js';
import type { JobLauncher, LauncherContext } from '../../src/attempt/job-launcher.js';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { RunSpecSchema, type Isolation } from '../../src/domain/run-spec.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { ownerLabel } from '../../src/runtime/labels.js';
import { workerLauncher } from '../../src/worker/worker-launcher.js';
import { HOSTILE_IMAGE, HOSTILE_SUITE } from '../support/hostile-suite.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';

const scratch = useScratch('baleen-one-attempt-');
const runtime = new DockerRuntime();
const context: LauncherContext = {
  serverId: 'one-attempt',
  owner: ownerLabel(hostname(), process.pid),
  runtime,
  // The engine's default network: these attempts belong to no run of a server.
  networkOf: () => ({ name: 'bridge', ready: Promise.resolve(), settled: () => true }),
};

const FEATURES = ['features/passes.feature', 'features/fails.feature', 'features/exit-1.feature'];

/** Each feature's one attempt, one after another, through one runner; its warm workers removed at the end. */
async function attempts(launcher: JobLauncher, isolation: Isolation): Promise<FeatureResult[]> {
  const runId = `one-attempt-${isolation}`;
  const spec = RunSpecSchema.parse({
    image: HOSTILE_IMAGE,
    features: FEATURES,
    concurrency: 1,
    isolation,
    expectedScenarioLines: Object.fromEntries(FEATURES.map((file) => [file, [2]])),
  });
  const results: FeatureResult[] = [];
  try {
    for (const file of FEATURES) {
      results.push(
        await new Promise<FeatureResult>((settled) =>
          launcher.launch(
            { runId, files: [file], attempt: 1 },
            spec,
            { state: () => {}, output: () => {} },
            { stopped: () => {}, settled, queued: () => 0 },
          ),
        ),
      );
    }
  } finally {
    await launcher.runEnded(runId);
  }
  return results;
}

/**
 * What differs between two runs of the same attempt by nature: times, cucumber-js's own timing line, and the
 * phases its runner went through (a container's create, attach, start…; a worker's borrowing).
 */
function comparable(result: FeatureResult) {
  const { durationMs, containerStartedAt, containerEndedAt, stdout, stderr, cucumberJson, phases, ...rest } = result;
  const untimed = (text: string) => text.replace(/\d+m\d+\.\d+s \(executing steps: \d+m\d+\.\d+s\)/g, 'TIME');
  return {
    ...rest,
    ran: durationMs > 0 && containerStartedAt! <= containerEndedAt! && phases!.some((phase) => phase.phase === 'run'),
    stdout: untimed(stdout.text),
    stderr: untimed(stderr.text),
    cucumberJson: JSON.parse(JSON.stringify(cucumberJson).replace(/"duration":\d+/g, '"duration":0')) as unknown,
  };
}

describe('one attempt, whatever runs it', () => {
  beforeAll(async () => {
    await buildSuiteImage(scratch.path('suite'), HOSTILE_IMAGE, HOSTILE_SUITE);
  }, 300_000);

  it('gives the same result, field by field, in a container of its own and on a warm worker', async () => {
    const own = await attempts(featureLauncher(context), 'feature');
    const warm = await attempts(workerLauncher(context), 'worker');
    expect(own.map((result) => [result.file, result.status])).toEqual([
      ['features/passes.feature', 'passed'],
      ['features/fails.feature', 'failed'],
      ['features/exit-1.feature', 'failed'],
    ]);
    // Both runners tell the command what it runs, and name the host it ran on.
    expect(own[0]!.stdout.text).toContain('feature features/passes.feature attempt 1');
    for (const result of [...own, ...warm]) expect(result.node).toEqual(expect.any(String));
    // A process that ended mid-scenario is a crash in both, in each runner's words.
    for (const crash of [own[2]!, warm[2]!])
      expect(crash.error).toMatch(/exited with code 1 .*without writing a Cucumber report/);
    const words = ({ error: _, ...rest }: ReturnType<typeof comparable>) => rest;
    expect(warm.map(comparable).map(words)).toEqual(own.map(comparable).map(words));
    expect(warm.slice(0, 2).map((result) => result.error)).toEqual(own.slice(0, 2).map((result) => result.error));
  }, 240_000);
});
