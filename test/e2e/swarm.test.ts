import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { CliProcess, runCli, type CliResult } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';
import { baleenServices } from '../support/swarm.js';

const scratch = useScratch('baleen-swarm-');

interface ServiceSpec {
  Labels: Record<string, string>;
  Mode: Record<string, unknown>;
  TaskTemplate: {
    ContainerSpec: { Image: string };
    RestartPolicy: { Condition: string };
    Resources: Record<string, { MemoryBytes: number; NanoCPUs: number }>;
    Placement: { Constraints: string[] };
  };
}

async function baleen(args: string[]): Promise<CliResult & { reportDir: string }> {
  const reportDir = scratch.reportDir();
  const result = await runCli(['cucumber', '--image', TEST_IMAGE, ...args, '--report-dir', reportDir], {
    cwd: FIXTURE_SUITE,
  });
  return { ...result, reportDir };
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

/** What may differ between two runs of the same suite: clocks, and the engine's name in the summary. */
function withoutTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimes);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !/duration|Ms$|^(time|timestamp|startedAt|finishedAt|runId)$/i.test(key))
      .map(([key, inner]) => [key, withoutTimes(inner)]),
  );
}
const timesInText = (text: string) =>
  text
    .replace(/\d+m\d+\.\d+s/g, 'T')
    .replace(/(time|timestamp)="[^"]*"/g, '$1=""')
    .replace(/\d+(\.\d+)?(ms|s)\b/g, 'T');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('--runtime swarm on a real one-node swarm', () => {
  it('gives the same reports as the Docker backend for the same suite', async () => {
    const files = [
      'features/pass.feature',
      'features/fail.feature',
      'features/parse-error.feature',
      'features/with space.feature',
      'features/café ünïcode.feature',
      'features/env.feature',
      'features/before.feature',
    ];
    const args = [
      '--files',
      ...files,
      '--env',
      'BALEEN_GREETING=hello world',
      '--before-command',
      'touch /tmp/baleen-before-marker',
      '--concurrency',
      '3',
    ];
    const onDocker = await baleen([...args, '--runtime', 'docker']);
    const onSwarm = await baleen([...args, '--runtime', 'swarm']);
    expect(onDocker.code, onDocker.stderr).toBe(1);
    expect(onSwarm.code, onSwarm.stderr).toBe(1);

    const dockerSummary = await readJson<RunSummary>(join(onDocker.reportDir, 'summary.json'));
    const swarmSummary = await readJson<RunSummary>(join(onSwarm.reportDir, 'summary.json'));
    expect(swarmSummary.totals).toMatchObject({ features: 7, passed: 5, failed: 2, errors: 0 });
    expect(withoutTimes(swarmSummary.features)).toEqual(withoutTimes(dockerSummary.features));
    expect(withoutTimes(await readJson(join(onSwarm.reportDir, 'cucumber.json')))).toEqual(
      withoutTimes(await readJson(join(onDocker.reportDir, 'cucumber.json'))),
    );
    const junit = async (dir: string) => timesInText(await readFile(join(dir, 'junit.xml'), 'utf8'));
    expect(await junit(onSwarm.reportDir)).toEqual(await junit(onDocker.reportDir));

    // The same report files, and every feature's output the same apart from the clock.
    expect(await filesUnder(onSwarm.reportDir)).toEqual(await filesUnder(onDocker.reportDir));
    for (const log of (await filesUnder(join(onDocker.reportDir, 'logs'))).map((name) => join('logs', name))) {
      const text = async (dir: string) => timesInText(await readFile(join(dir, log), 'utf8'));
      expect(await text(onSwarm.reportDir), log).toEqual(await text(onDocker.reportDir));
    }
  });

  it("returns output byte for byte: lines far longer than the log driver's 16 KiB, and a last line without a newline", async () => {
    const script =
      "process.stdout.write('a'.repeat(300000) + '\\n' + 'b'.repeat(70000)); process.stderr.write('c'.repeat(40000))";
    const result = await baleen([
      '--files',
      'features/pass.feature',
      '--runtime',
      'swarm',
      '--command',
      `node -e "${script}"`,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const stdout = await readFile(join(result.reportDir, 'logs/features/pass.feature.stdout.log'), 'utf8');
    expect(stdout).toBe(`${'a'.repeat(300000)}\n${'b'.repeat(70000)}`);
    expect(await readFile(join(result.reportDir, 'logs/features/pass.feature.stderr.log'), 'utf8')).toBe(
      'c'.repeat(40000),
    );
  });

  it('runs each feature as a one-shot service: labels, no restart, limits reserved, constraints placed', async () => {
    const client = new CliProcess(
      [
        'cucumber',
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--runtime',
        'swarm',
        '--command',
        'echo "started $BALEEN_FEATURE"; exec sleep 600',
        '--memory',
        '96m',
        '--cpus',
        '0.5',
        '--constraint',
        'node.role==manager',
        '--verbose',
        '--report-dir',
        scratch.reportDir(),
      ],
      { cwd: FIXTURE_SUITE },
    );
    await client.waitFor(/started features\/pass\.feature/);
    const [id] = baleenServices();
    const spec = (
      JSON.parse(execFileSync('docker', ['service', 'inspect', id!], { encoding: 'utf8' })) as [{ Spec: ServiceSpec }]
    )[0].Spec;
    expect(spec.Labels).toMatchObject({
      'io.baleen.managed': 'true',
      'io.baleen.feature': 'features/pass.feature',
      'io.baleen.attempt': '1',
    });
    expect(spec.TaskTemplate.RestartPolicy.Condition).toBe('none');
    for (const kind of ['Limits', 'Reservations'])
      expect(spec.TaskTemplate.Resources[kind]).toEqual({ MemoryBytes: 96 * 1024 * 1024, NanoCPUs: 500_000_000 });
    expect(spec.TaskTemplate.Placement.Constraints).toEqual(['node.role==manager']);
    // A locally built image is pinned by its ID: no node asks a registry for it, none runs another build.
    expect(spec.TaskTemplate.ContainerSpec.Image).toBe(
      execFileSync('docker', ['image', 'inspect', TEST_IMAGE, '--format', '{{.Id}}'], { encoding: 'utf8' }).trim(),
    );
    expect(Object.keys(spec.Mode)).toHaveLength(1);
    expect((await client.stop('SIGINT')).code).toBe(130);
  });
});

describe('--runtime swarm: clear errors', () => {
  it('a constraint no node satisfies: exit 3, one line naming the constraint problem and the fix', async () => {
    const result = await baleen([
      '--files',
      'features/pass.feature',
      'features/with space.feature',
      '--runtime',
      'swarm',
      '--constraint',
      'node.labels.pool==nowhere',
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /no swarm node can run the feature: scheduling constraints not satisfied on 1 node: check --constraint/,
    );
  });

  it('an image the one-node swarm does not have: exit 3, refused when the run is checked', async () => {
    const result = await baleen([
      '--files',
      'features/pass.feature',
      '--runtime',
      'swarm',
      '--image',
      'baleen-no-such-image',
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/image "baleen-no-such-image" is not on the Docker engine/);
    // Refused when the run was checked: the run never started (its first line never printed).
    expect(result.stdout).not.toMatch(/feature on baleen-no-such-image, 1 at a time/);
  });

  it('a reservation no node could ever hold: exit 3 at once, not a task pending for ever', async () => {
    const result = await baleen(['--files', 'features/pass.feature', '--runtime', 'swarm', '--memory', '100000g']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /--memory 100000\.0 GiB is more than any swarm node has \(the largest: [\d.]+ GiB\): ask for less/,
    );
  });

  it('constraints without a swarm, and an engine choice for a separate server, are usage errors (exit 2)', async () => {
    const onDocker = await baleen(['--files', 'features/pass.feature', '--constraint', 'node.role==manager']);
    expect(onDocker.code).toBe(2);
    expect(onDocker.stderr).toMatch(/placement constraints need a cluster.*: use --runtime swarm/);
    const withServer = await baleen([
      '--files',
      'features/pass.feature',
      '--runtime',
      'swarm',
      '--server',
      'ws://127.0.0.1:9',
    ]);
    expect(withServer.code).toBe(2);
    expect(withServer.stderr).toMatch(/--runtime and --docker-host choose the embedded server's engine/);
    for (const constraint of ['pool=ci', 'node.rol==manager']) {
      const badConstraint = await baleen([
        '--files',
        'features/pass.feature',
        '--runtime',
        'swarm',
        '--constraint',
        constraint,
      ]);
      expect(badConstraint.code).toBe(2);
      expect(badConstraint.stderr).toMatch(/a placement constraint such as node\.labels\.pool==ci/);
    }
  });
});
