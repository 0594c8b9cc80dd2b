import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram, type CommandHandlers } from '../../src/cli/program.js';
import { loadProject, ProjectSchema } from '../../src/run-options/project-file.js';
import { RUN_OPTION_FIELDS, type RunOptionFields } from '../../src/domain/run-option-fields.js';
import { RunSpecSchema } from '../../src/domain/run-spec.js';
import { BaleenError } from '../../src/errors/baleen-error.js';
import { RUN_OPTIONS, runOptionEntries } from '../../src/run-options/declaration.js';
import { runOptionsFromProject } from '../../src/run-options/derive-project-schema.js';
import { runRequestOf } from '../../src/run-options/derive-request.js';
import { specFieldsOf } from '../../src/run-options/derive-spec.js';
import type { RunOptionValues } from '../../src/run-options/values.js';
import { guide } from '../support/docs.js';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

/** What the real command line hands the `cucumber` or `project` handler, parsed by commander as baleen does. */
async function parsed(args: string[]): Promise<{ options: RunOptionValues; configFile?: string }> {
  let seen: { options: RunOptionValues; configFile?: string } | undefined;
  const handlers = {
    cucumber: async (options: RunOptionValues) => ((seen = { options }), 0),
    project: async (_name: string, configFile: string, options: RunOptionValues) => (
      (seen = { options, configFile }), 0
    ),
  } as unknown as CommandHandlers;
  await buildProgram(handlers).parseAsync(['node', 'baleen', ...args]);
  return seen!;
}

async function projectFile(yaml: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'baleen-run-options-'));
  roots.push(root);
  await writeFile(join(root, 'baleen.yml'), yaml);
  return join(root, 'baleen.yml');
}

describe('the declaration', () => {
  it('gives every option a project-file key (snake_case, each once) or the reason it has none', () => {
    const keys: string[] = [];
    for (const [name, option] of runOptionEntries()) {
      expect(option.file !== undefined || (option.notInFile ?? '').length > 0, name).toBe(true);
      expect(option.file !== undefined && option.notInFile !== undefined, name).toBe(false);
      if (option.file) keys.push(option.file.key);
    }
    for (const key of keys) expect(key).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(new Set(keys).size).toBe(keys.length);
    // The project file's schema holds exactly those keys, their CI-only section, and the push keys besides.
    expect(Object.keys(ProjectSchema.shape)).toEqual([...keys, 'ci', 'repository', 'branches', 'dockerfile']);
  });

  it('puts every option that crosses the wire into the RunSpec under its own name', () => {
    const wire = runOptionEntries()
      .filter(([, option]) => option.wire)
      .map(([name]) => name);
    expect(wire).toEqual(
      expect.arrayContaining([
        'image',
        'concurrency',
        'memoryBytes',
        'constraints',
        'stopGraceSeconds',
        'collectMaxBytes',
        'batch',
        'network',
      ]),
    );
    for (const name of wire) expect(Object.keys(RunSpecSchema.shape), name).toContain(name);
    // Each points at the RunSpec's field of its own name (domain/run-option-fields.ts), and every field has one.
    for (const [name, option] of runOptionEntries())
      if (option.wire) expect(option.wire, name).toBe(RUN_OPTION_FIELDS[name as keyof RunOptionFields]);
    expect([...wire].sort()).toEqual(Object.keys(RUN_OPTION_FIELDS).sort());
    // Client-side options stay on the client.
    for (const name of [
      'files',
      'reportDir',
      'timingsFile',
      'shard',
      'server',
      'token',
      'quiet',
      'verbose',
      'runtime',
      'batchTargetMs',
    ] as const) {
      expect(RUN_OPTIONS[name]).not.toHaveProperty('wire');
      expect(Object.keys(RunSpecSchema.shape)).not.toContain(name);
    }
  });
});

describe('the option reference (docs/options.md) and the README', () => {
  it("has a row for every run option's flag, and every row of their option tables names a flag baleen takes", () => {
    const reference = guide('docs/options.md');
    const flags = runOptionEntries().flatMap(([, option]) => (option.cli ? [option.cli.make().long!] : []));
    for (const flag of flags) expect(reference, flag).toMatch(new RegExp(`^\\| [^|]*\`${flag}[\` ]`, 'm'));
    for (const text of [reference, guide('README.md')]) {
      const rows = [...text.matchAll(/^\| `(--[a-z-]+)/gm)].map((match) => match[1]!);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(flags, row).toContain(row);
    }
  });

  it("shows every run option's baleen.yml key in its project file example", () => {
    const example = guide('docs/options.md').split('```yaml\nprojects:\n')[1]!.split('```')[0]!;
    for (const [name, option] of runOptionEntries())
      if (option.file) expect(example, name).toMatch(new RegExp(`^ +${option.file.key}:`, 'm'));
  });
});

describe('from the command line to the RunSpec', () => {
  it("reads each flag as declared, under the option's name, and sends what crosses the wire", async () => {
    const { options } = await parsed([
      'cucumber',
      '--image',
      'runner',
      '--files',
      'a/',
      'b/',
      '--env',
      'TZ=UTC',
      '--memory',
      '512m',
      '--cpus',
      '1.5',
      '--stop-grace',
      '0',
      '--constraint',
      'node.role==worker',
      '--collect-max',
      '1m',
      '--batch',
      'auto',
      '--batch-target',
      '30s',
      '--timeout',
      '90s',
      '--fail-fast',
      '--quiet',
    ]);
    expect(options).toEqual({
      image: 'runner',
      files: ['a/', 'b/'],
      env: { TZ: 'UTC' },
      memoryBytes: 512 * 1024 ** 2,
      nanoCpus: 1_500_000_000,
      stopGraceSeconds: 0,
      constraints: ['node.role==worker'],
      collectMaxBytes: 1024 ** 2,
      batch: { kind: 'auto' },
      batchTargetMs: 30_000,
      timeoutMs: 90_000,
      failFast: true,
      quiet: true,
    });
    const request = runRequestOf([options]);
    expect(request).toMatchObject({ reportDir: 'baleen-report', timingsFile: '.baleen/timings.json', collect: [] });
    expect(request.concurrency).toBeGreaterThan(0);
    const spec = RunSpecSchema.parse({ ...specFieldsOf(request), features: ['a/x.feature'] });
    expect(spec).toMatchObject({
      image: 'runner',
      env: { TZ: 'UTC' },
      memoryBytes: 512 * 1024 ** 2,
      nanoCpus: 1_500_000_000,
      stopGraceSeconds: 0,
      constraints: ['node.role==worker'],
      collectMaxBytes: 1024 ** 2,
      batch: { kind: 'auto', targetMs: 30_000 },
      timeoutMs: 90_000,
      failFast: true,
      retries: 0,
    });
    // --batch without a command: the runner is given every feature of the batch.
    expect(spec.command).toContain('{files}');
    expect(spec).not.toHaveProperty('files');
    expect(spec).not.toHaveProperty('quiet');
  });

  it("leaves what was not given unset, so the spec's own defaults apply", async () => {
    const { options } = await parsed(['cucumber', '--image', 'runner', '--files', 'f/']);
    expect(options).toEqual({ image: 'runner', files: ['f/'] });
    const spec = RunSpecSchema.parse({ ...specFieldsOf(runRequestOf([options])), features: ['f/a.feature'] });
    expect(spec).toMatchObject({
      stopGraceSeconds: 10,
      collectMaxBytes: 32 * 1024 ** 2,
      retries: 0,
      failFast: false,
      constraints: [],
      collect: [],
      env: {},
    });
    expect(spec.command).toContain('{file}');
  });

  it('refuses --batch-target without --batch auto, whether from the file or the command line', () => {
    const refusal = () => runRequestOf([{ image: 'r', files: ['f'], batchTargetMs: 30_000 }]);
    expect(refusal).toThrow(BaleenError);
    expect(refusal).toThrow('--batch-target sizes the batches of --batch auto');
    expect(
      runRequestOf([{ image: 'r', files: ['f'], batch: { kind: 'auto' } }, { batchTargetMs: 30_000 }]).batchTargetMs,
    ).toBe(30_000);
  });
});

describe('a project file under the command line', () => {
  const yaml = [
    'projects:',
    '  web:',
    '    image: runner',
    '    files: features/',
    '    constraints: [node.labels.pool==ci]',
    '    collect: shots/',
    '    collect_max: 512k',
    '    network: suite-db',
    '    stop_grace: 30s',
    '    batch: auto',
    '    batch_target: 2m',
    '    timings: ci/timings.json',
    '    retries: 1',
    '',
  ].join('\n');

  it('reads the keys every run option has, the new ones included', async () => {
    const project = await loadProject(await projectFile(yaml), 'web');
    expect(runOptionsFromProject(project)).toEqual({
      image: 'runner',
      files: ['features/'],
      constraints: ['node.labels.pool==ci'],
      collect: ['shots/'],
      collectMaxBytes: 512 * 1024,
      network: 'suite-db',
      stopGraceSeconds: 30,
      batch: { kind: 'auto' },
      batchTargetMs: 120_000,
      timingsFile: 'ci/timings.json',
      retries: 1,
    });
  });

  it("lets the command line win, and adds its constraints and collected paths to the file's", async () => {
    const configFile = await projectFile(yaml);
    const { options } = await parsed([
      'project',
      'web',
      '--config',
      configFile,
      '--constraint',
      'node.role==worker',
      '--collect',
      'logs/',
      '--collect-max',
      '1m',
      '--retries',
      '0',
      '--stop-grace',
      '0',
    ]);
    const request = runRequestOf([runOptionsFromProject(await loadProject(configFile, 'web')), options]);
    expect(request).toMatchObject({
      constraints: ['node.labels.pool==ci', 'node.role==worker'],
      collect: ['shots/', 'logs/'],
      collectMaxBytes: 1024 ** 2,
      retries: 0,
      stopGraceSeconds: 0,
      network: 'suite-db',
      batchTargetMs: 120_000,
      timingsFile: 'ci/timings.json',
    });
  });

  it.each([
    ['stop_grace: 2h', 'projects.web.stop_grace: expected a duration such as 30s, or 0'],
    ['batch: many', 'projects.web.batch: expected a number of features such as 8, or auto'],
    ['network: "a b"', 'projects.web.network: a network name (letters, digits, _ . -), or none'],
  ])("refuses %s with the flag's words", async (entry, words) => {
    const error = await loadProject(
      await projectFile(`projects:\n  web:\n    image: r\n    files: f\n    ${entry}\n`),
      'web',
    ).then(
      () => undefined,
      (e: unknown) => e as BaleenError,
    );
    expect(error?.code).toBe('CONFIG');
    expect(error?.toLine()).toContain(`baleen.yml:5: ${words}`);
  });
});
