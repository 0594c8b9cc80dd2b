import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli, type CliResult } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { LoneNode, SwarmCluster, whyNodesCannotRun } from '../support/swarm-cluster.js';

/*
 * A real two-node swarm on this machine: a manager and a worker, each a dockerd in namespaces of its own,
 * joined over a veth pair. The main engine is only read from (`docker save` of the test image); this file
 * does not use useScratch, whose after-each check removes baleen containers on the main engine.
 */

const unavailable = whyNodesCannotRun();
if (unavailable !== undefined) console.warn(`skipping the multi-node swarm tests: ${unavailable}`);

/** The fixture features that pass, given the greeting and the before-command below. */
const FEATURES = [
  'features/before.feature',
  'features/café ünïcode.feature',
  'features/env.feature',
  'features/pass.feature',
  'features/with space.feature',
];
const PASSING_OPTIONS = ['--env', 'BALEEN_GREETING=hello world', '--before-command', 'touch /tmp/baleen-before-marker'];
/** Swarm expands templates in a service's env: each container learns the ID of the node it runs on. */
const PRINT_NODE = [
  '--env',
  'BALEEN_NODE={{.Node.ID}}',
  '--command',
  'echo "node=$BALEEN_NODE"; cucumber-js {file} --format json:{report}',
];

let scratch = '';
let runs = 0;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'baleen-multinode-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** `baleen cucumber --runtime swarm` against the engine at `host`, with a fresh report dir. */
async function baleenOn(host: string, args: string[]): Promise<CliResult & { reportDir: string }> {
  const reportDir = join(scratch, `report-${++runs}`);
  const result = await runCli(['cucumber', '--runtime', 'swarm', ...args, '--report-dir', reportDir], {
    cwd: FIXTURE_SUITE,
    env: { DOCKER_HOST: host },
  });
  return { ...result, reportDir };
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

/** Which node each feature ran on, from the first line its container printed. */
async function nodesOf(reportDir: string): Promise<Record<string, string | undefined>> {
  const entries = await Promise.all(
    FEATURES.map(
      async (file) =>
        [
          file,
          /^node=(\S+)$/m.exec(await readFile(join(reportDir, 'logs', `${file}.stdout.log`), 'utf8'))?.[1],
        ] as const,
    ),
  );
  return Object.fromEntries(entries);
}

const stderrLines = (result: CliResult) => result.stderr.trim().split('\n');

describe.skipIf(unavailable !== undefined)('baleen --runtime swarm on a two-node swarm', () => {
  let cluster: SwarmCluster | undefined;
  const swarm = () => cluster!;

  beforeAll(async () => {
    cluster = await SwarmCluster.start(TEST_IMAGE);
  });
  afterAll(async () => {
    // Also after a failed set-up or test: nothing of the cluster may stay on the machine.
    expect(await cluster?.stop()).toEqual([]);
  });
  afterEach(async () => {
    expect(await swarm().leftoverWork()).toEqual({ services: [], containers: [] });
  });

  it('spreads the features over both nodes and reports every one of them', async () => {
    const result = await baleenOn(swarm().manager.node.host, [
      '--image',
      TEST_IMAGE,
      '--files',
      ...FEATURES,
      '--concurrency',
      '4',
      ...PASSING_OPTIONS,
      ...PRINT_NODE,
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);

    const nodes = await nodesOf(result.reportDir);
    expect(new Set(Object.values(nodes))).toEqual(new Set([swarm().manager.id, swarm().worker.id]));

    const summary = await readJson<RunSummary>(join(result.reportDir, 'summary.json'));
    expect(summary.totals).toMatchObject({ features: 5, passed: 5, failed: 0, errors: 0 });
    // The summary says which node ran each feature, by its hostname.
    expect(new Set(summary.features.map((feature) => feature.node))).toEqual(
      new Set([swarm().manager.node.name, swarm().worker.node.name]),
    );
    const merged = await readJson<{ uri: string }[]>(join(result.reportDir, 'cucumber.json'));
    expect(merged.map((feature) => feature.uri).sort()).toEqual(FEATURES);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      await readFile(join(result.reportDir, 'junit.xml'), 'utf8'),
    );
    const suites = [junit.testsuites.testsuite].flat() as { file: string }[];
    expect(suites.map((suite) => suite.file).sort()).toEqual(FEATURES);
    expect(junit.testsuites.failures).toBe('0');
  });

  it('spreads batches over both nodes, each feature reported on the node its batch ran on', async () => {
    const result = await baleenOn(swarm().manager.node.host, [
      '--image',
      TEST_IMAGE,
      '--files',
      ...FEATURES,
      '--concurrency',
      '4',
      '--batch',
      '2',
      ...PASSING_OPTIONS,
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const summary = await readJson<RunSummary>(join(result.reportDir, 'summary.json'));
    expect(summary.totals).toMatchObject({ features: 5, passed: 5, failed: 0, errors: 0 });
    // The features of one batch share its log (its first feature's): one node per log, three batches.
    const nodesByLog = new Map<string, Set<string | undefined>>();
    for (const feature of summary.features)
      nodesByLog.set(feature.logs!.stdout, (nodesByLog.get(feature.logs!.stdout) ?? new Set()).add(feature.node));
    expect([...nodesByLog.values()].map((nodes) => nodes.size)).toEqual([1, 1, 1]);
    expect(new Set(summary.features.map((feature) => feature.node))).toEqual(
      new Set([swarm().manager.node.name, swarm().worker.node.name]),
    );
  });

  it.each([
    ['node.role==manager', 'manager'],
    ['node.role==worker', 'worker'],
  ] as const)('with --constraint %s runs every feature on the %s', async (constraint, role) => {
    const result = await baleenOn(swarm().manager.node.host, [
      '--image',
      TEST_IMAGE,
      '--files',
      ...FEATURES,
      '--concurrency',
      '4',
      '--constraint',
      constraint,
      ...PASSING_OPTIONS,
      ...PRINT_NODE,
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const expected = Object.fromEntries(FEATURES.map((file) => [file, swarm()[role].id]));
    expect(await nodesOf(result.reportDir)).toEqual(expected);
  });

  it('exits 3 with one line when no node meets the constraint', async () => {
    const result = await baleenOn(swarm().manager.node.host, [
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      '--constraint',
      'node.labels.nope==1',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(stderrLines(result)).toHaveLength(1);
    expect(result.stderr).toMatch(/no swarm node can run the feature: scheduling constraints not satisfied on 2 nodes/);
  });

  it('names the node that lacks the image, and exits 3', async () => {
    // An image of its own (not a second tag of one the worker has: services carry the image's ID).
    const image = 'baleen-only-on-manager';
    const container = await swarm().manager.node.docker('create', TEST_IMAGE, 'true');
    await swarm().manager.node.docker('commit', '--change', 'LABEL only=manager', container, image);
    await swarm().manager.node.docker('rm', container);
    const id = await swarm().manager.node.docker('image', 'inspect', image, '--format', '{{.Id}}');
    await expect(swarm().worker.node.docker('image', 'inspect', id)).rejects.toThrow(/No such image/);

    const result = await baleenOn(swarm().manager.node.host, [
      '--image',
      image,
      '--files',
      'features/pass.feature',
      '--constraint',
      'node.role==worker',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(stderrLines(result)).toHaveLength(1);
    expect(result.stderr).toContain(`image "${image}" is not on node ${swarm().worker.node.name}`);
    const summary = await readJson<RunSummary>(join(result.reportDir, 'summary.json'));
    expect(summary.features.map((feature) => feature.status)).toEqual(['error']);
  });

  it('refuses a worker with exit 3: it is not a manager', async () => {
    const worker = swarm().worker.node;
    const result = await baleenOn(worker.host, ['--image', TEST_IMAGE, '--files', 'features/pass.feature']);
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(stderrLines(result)).toHaveLength(1);
    expect(result.stderr).toContain(`the Docker engine at ${worker.host} is a swarm worker, not a manager`);
  });
});

describe.skipIf(unavailable !== undefined)('baleen --runtime swarm on an engine in no swarm', () => {
  let lone: LoneNode | undefined;

  beforeAll(async () => {
    lone = await LoneNode.start();
  });
  afterAll(async () => {
    expect(await lone?.stop()).toEqual([]);
  });

  it('exits 3 saying the engine is not part of a swarm', async () => {
    const { host } = lone!.node;
    const result = await baleenOn(host, ['--image', TEST_IMAGE, '--files', 'features/pass.feature']);
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(stderrLines(result)).toHaveLength(1);
    expect(result.stderr).toContain(`the Docker engine at ${host} is not part of a swarm`);
  });
});
