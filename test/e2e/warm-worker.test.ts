import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createReportChannel } from '../../src/attempt/report-channel.js';
import { DEFAULT_COMMAND, DEFAULT_REPORT_PATH } from '../../src/domain/run-spec.js';
import { WORKER_READY, workerCommand, workerEnv, workerExit, workerRequest } from '../../src/worker/worker-program.js';
import { useScratch } from '../support/scratch.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { Labels } from '../../src/runtime/labels.js';
import { WorkerContainer } from '../../src/worker/worker-container.js';
import { buildSuiteImage } from '../support/suite-image.js';

const IMAGE = 'baleen-test-warm-worker';
const LABEL = 'io.baleen.test=warm-worker';

// Support code that takes a moment to load and counts its loads in the process.
const SLOW_SUPPORT = `const { Given } = require('@cucumber/cucumber');
const until = Date.now() + 300; while (Date.now() < until);
globalThis.supportLoads = (globalThis.supportLoads ?? 0) + 1;
Given('the support code was loaded once in this process', () => {
  if (globalThis.supportLoads !== 1) throw new Error('support code loaded ' + globalThis.supportLoads + ' times');
});
Given('a step that fails here', () => { throw new Error('failing on purpose'); });
Given('it sleeps {int} ms', (ms) => new Promise((resolve) => setTimeout(resolve, ms)));
Given('the worker process dies', () => { console.error('dying on purpose'); process.exit(7); });
Given('it writes {string} to stdout and {string} to stderr', (out, err) => { process.stdout.write(out + '\\n'); process.stderr.write(err); });
`;

const FEATURES = {
  'features/step_definitions/slow.js': SLOW_SUPPORT,
  'features/one.feature':
    'Feature: one\n  Scenario: first\n    Given the support code was loaded once in this process\n',
  'features/two.feature':
    'Feature: two\n  Scenario: second\n    Given the support code was loaded once in this process\n    And the number 2\n    When I add 3\n    Then the result is 5\n',
  'features/failing.feature':
    'Feature: failing\n  Scenario: passes\n    Given the number 1\n  Scenario: fails\n    Given a step that fails here\n',
  'features/sleeps.feature': 'Feature: sleeps\n  Scenario: long\n    Given it sleeps 60000 ms\n',
  'features/dies.feature': 'Feature: dies\n  Scenario: the process ends\n    Given the worker process dies\n',
  'features/talks.feature':
    'Feature: talks\n  Scenario: output\n    Given it writes "to-stdout" to stdout and "to-stderr, no newline" to stderr\n',
  // A second suite in the same image whose support code throws while loading.
  'broken/boom.js': "throw new Error('support code broken on purpose');\n",
  'broken/x.feature': 'Feature: x\n  Scenario: y\n    Given anything\n',
};

interface Answer {
  exit: number;
  report: unknown[] | undefined;
}

/**
 * The worker program in a real container of the runner image, over `docker run -i`: requests on stdin, the
 * answers read back out of stderr by the report channel the feature actors use.
 */
class DockerRunWorker {
  private readonly child;
  private stderr = '';
  stdout = '';
  private waiters: (() => void)[] = [];
  private channel: ReturnType<typeof createReportChannel> | undefined;
  readonly exited: Promise<number | null>;

  constructor(image: string, env: Record<string, string> = {}) {
    const allEnv = { ...workerEnv(['features/'], DEFAULT_REPORT_PATH), ...env };
    const envArgs = Object.keys(allEnv).flatMap((key) => ['-e', key]);
    this.child = spawn(
      'docker',
      ['run', '-i', '--rm', '--label', LABEL, ...envArgs, image, 'sh', '-c', workerCommand(DEFAULT_COMMAND)],
      {
        env: { ...process.env, ...allEnv },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += (this.channel ? this.channel.filter(chunk) : chunk).toString();
      this.waiters.forEach((waiter) => waiter());
    });
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code) => {
        this.waiters.forEach((waiter) => waiter());
        resolve(code);
      }),
    );
  }

  /** Resolves once stderr (reports taken out) holds the pattern; rejects if the container ends first. */
  private until<T>(find: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) resolve(found);
        else if (this.child.exitCode !== null)
          reject(new Error(`the worker exited ${this.child.exitCode}; stderr:\n${this.stderr}`));
        else return;
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
      };
      this.waiters.push(check);
      check();
    });
  }

  ready(): Promise<true> {
    return this.until(() => (this.stderr.includes(WORKER_READY) ? true : undefined));
  }

  async run(paths: string[]): Promise<Answer> {
    const id = randomUUID().replaceAll('-', '');
    this.channel = createReportChannel(id, 10_000_000);
    this.child.stdin.write(workerRequest({ id, paths }));
    const exit = await this.until(() => workerExit(this.stderr, id));
    const report = this.channel.report();
    return { exit, report: report ? (JSON.parse(report.toString()) as unknown[]) : undefined };
  }

  end(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }

  get output(): string {
    return this.stderr;
  }
}

const uris = (report: unknown[] | undefined) => (report ?? []).map((feature) => (feature as { uri: string }).uri);
const statuses = (report: unknown[] | undefined) =>
  (report ?? []).flatMap((feature) =>
    (feature as { elements: { name: string; steps: { result: { status: string } }[] }[] }).elements.map(
      (scenario) =>
        `${scenario.name}:${scenario.steps.every((step) => step.result.status === 'passed') ? 'passed' : 'failed'}`,
    ),
  );

describe('the warm worker program in a container', () => {
  const scratch = useScratch('baleen-warm-worker-');
  beforeAll(async () => {
    await buildSuiteImage(scratch.path('suite'), IMAGE, FEATURES);
  }, 300_000);
  // A test that fails mid-way leaves its worker waiting on stdin: remove it, then say so.
  afterEach(() => {
    const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL}`], { encoding: 'utf8' }).trim();
    if (left) execFileSync('docker', ['rm', '-f', ...left.split('\n')], { stdio: 'ignore' });
    expect(left).toBe('');
  });

  it('loads the support code once and answers each feature with its own report and outcome, in order', async () => {
    const worker = new DockerRunWorker(IMAGE);
    await worker.ready();
    const one = await worker.run(['features/one.feature']);
    const two = await worker.run(['features/two.feature']);
    const failing = await worker.run(['features/failing.feature']);
    expect([one.exit, two.exit, failing.exit]).toEqual([0, 0, 1]);
    expect([uris(one.report), uris(two.report), uris(failing.report)]).toEqual([
      ['features/one.feature'],
      ['features/two.feature'],
      ['features/failing.feature'],
    ]);
    // The second feature passing its first step proves the support code was not loaded again.
    expect(statuses(two.report)).toEqual(['second:passed']);
    expect(statuses(failing.report)).toEqual(['passes:passed', 'fails:failed']);
    // No report bytes leak into the user's stderr; cucumber-js's own output (its failure message) is on stdout.
    expect(worker.output).not.toContain('"uri"');
    expect(await worker.end()).toBe(0);
    // Read once the CLI's two pipes are closed: docker run splits the one stream in two, so order is lost.
    expect(worker.stdout).toContain('failing on purpose');
  });

  it('runs several paths and single scenarios by line in one request', async () => {
    const worker = new DockerRunWorker(IMAGE);
    const answer = await worker.run(['features/one.feature', 'features/failing.feature:2']);
    expect(answer.exit).toBe(0);
    expect(uris(answer.report)).toEqual(['features/one.feature', 'features/failing.feature']);
    expect(statuses(answer.report)).toEqual(['first:passed', 'passes:passed']);
    expect(await worker.end()).toBe(0);
  });

  it('ends with exit 2 and the error on stderr when the support code cannot load', async () => {
    const worker = new DockerRunWorker(IMAGE, { BALEEN_WORKER_PATHS: JSON.stringify(['broken/']) });
    expect(await worker.end()).toBe(2);
    expect(worker.output).toContain('support code broken on purpose');
    expect(worker.output).not.toContain(WORKER_READY);
  });
});

describe('a warm worker container through the docker runtime', () => {
  const scratch = useScratch('baleen-worker-container-');
  const runtime = new DockerRuntime();
  const options = {
    spec: {
      image: IMAGE,
      env: {},
      labels: { [Labels.managed]: 'true', 'io.baleen.test': 'worker-container' },
      limits: {},
      stopGraceSeconds: 1,
      constraints: [],
    },
    supportPaths: ['features/'],
    command: DEFAULT_COMMAND,
    reportPath: DEFAULT_REPORT_PATH,
  };
  beforeAll(async () => {
    await buildSuiteImage(scratch.path('suite'), IMAGE, FEATURES);
  }, 300_000);

  // One request's output, its report taken out of its stderr by the channel of the request's id (as an attempt does).
  const collect = () => {
    const out = { stdout: '', stderr: '' };
    const id = randomUUID().replaceAll('-', '');
    const channel = createReportChannel(id, 10_000_000);
    return {
      out,
      id,
      report: () => JSON.parse(channel.report()!.toString()) as unknown,
      sinks: {
        stdout: (chunk: Buffer) => (out.stdout += chunk.toString()),
        stderr: (chunk: Buffer) => (out.stderr += channel.filter(chunk).toString()),
      },
    };
  };
  const ask = (worker: WorkerContainer, path: string, asked = collect()) =>
    worker.run({ id: asked.id, paths: [path] }, asked.sinks);

  it("routes each request's output and report to it, and ends when its stdin closes", async () => {
    const worker = await WorkerContainer.start(runtime, options);
    try {
      const first = collect();
      const talks = await ask(worker, 'features/talks.feature', first);
      const second = collect();
      const one = await ask(worker, 'features/one.feature', second);
      expect(talks).toMatchObject({ kind: 'answered', exitCode: 0 });
      expect(one).toMatchObject({ kind: 'answered', exitCode: 0 });
      expect(uris(first.report() as never)).toEqual(['features/talks.feature']);
      expect(uris(second.report() as never)).toEqual(['features/one.feature']);
      expect(first.out.stdout).toContain('to-stdout');
      expect(first.out.stderr).toBe('to-stderr, no newline');
      expect(second.out.stdout).not.toContain('to-stdout');
      expect(second.out.stderr).toBe('');
      worker.close();
      await worker.exited();
      expect(worker.alive).toBe(false);
      expect(worker.describeEnd()).toBe('exit code 0');
    } finally {
      await worker.remove();
    }
  });

  it('answers a request whose feature ends the worker process with the end, and nothing after it', async () => {
    const worker = await WorkerContainer.start(runtime, options);
    try {
      const dying = collect();
      const outcome = await ask(worker, 'features/dies.feature', dying);
      expect(outcome).toMatchObject({ kind: 'worker-ended', exit: { exitCode: 7, oomKilled: false } });
      expect(dying.out.stderr).toContain('dying on purpose');
      expect(worker.alive).toBe(false);
      expect(await ask(worker, 'features/one.feature')).toMatchObject({ kind: 'worker-ended' });
    } finally {
      await worker.remove();
    }
  });

  it('ends a request in flight when the worker is stopped (a timeout)', async () => {
    const worker = await WorkerContainer.start(runtime, options);
    try {
      await ask(worker, 'features/one.feature'); // warm
      const slow = ask(worker, 'features/sleeps.feature');
      await worker.stop(0);
      expect(await slow).toMatchObject({ kind: 'worker-ended', exit: { exitCode: 137 } });
      expect(worker.alive).toBe(false);
    } finally {
      await worker.remove();
    }
  });
});
