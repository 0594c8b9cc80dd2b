import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-usage-');

/** A usage error as the README promises it: one line, `baleen: ` first, exit 2, nothing on stdout. */
function expectOneUsageLine(result: CliResult): string {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^baleen: \S/);
  return lines[0]!;
}

describe('usage errors: one line, `baleen: …`, exit 2', () => {
  it('a misspelt option is named with its suggestion even when a required option is missing too', async () => {
    const line = expectOneUsageLine(
      await runCli(['cucumber', '--imgae', 'x', '--files', 'features/'], { cwd: scratch.dir }),
    );
    expect(line).toBe("baleen: unknown option '--imgae': did you mean --image?");
  });

  it.each([
    [
      ['cucumber', '--files', 'features/'],
      "baleen: required option '--image <image>' not specified: run baleen cucumber --help for usage",
    ],
    [['cucumbr'], "baleen: unknown command 'cucumbr': did you mean cucumber?"],
    [
      ['cucumber', '--image', 'x', '--files', 'f', '--concurrency', 'none'],
      "baleen: option '--concurrency <n>' argument 'none' is invalid: --concurrency must be a whole number of 1 or more",
    ],
    [
      ['cucumber', '--image', 'x', '--files', 'f', '--quiet', '--verbose'],
      "baleen: option '--quiet' cannot be used with option '--verbose': run baleen cucumber --help for usage",
    ],
    [['project'], "baleen: missing required argument 'name': run baleen project --help for usage"],
    [['server', '--port'], "baleen: option '--port <port>' argument missing: run baleen server --help for usage"],
    [['merge', 'a', '--bogus'], "baleen: unknown option '--bogus': run baleen merge --help for usage"],
    [
      ['cucumber', '--image', 'x', '--files', 'f', '--runtime', 'k8s'],
      "baleen: option '--runtime <kind>' argument 'k8s' is invalid: allowed choices are docker, swarm",
    ],
    // README's --batch-target and --stop-grace rows: refused without --batch auto, and past an hour.
    [
      ['cucumber', '--image', 'x', '--files', 'f', '--batch-target', '30s'],
      'baleen: --batch-target sizes the batches of --batch auto, and this run has none: add --batch auto, or drop --batch-target',
    ],
    [
      ['cucumber', '--image', 'x', '--files', 'f', '--stop-grace', '2h'],
      "baleen: option '--stop-grace <duration>' argument '2h' is invalid: expected a duration such as 30s, or 0",
    ],
    [
      [],
      'baleen: no command given: choose one of cucumber, server, reap, runs, report, project, merge, plan, init (baleen --help says what each does)',
    ],
  ])('%j', async (args, expected) => {
    expect(expectOneUsageLine(await runCli(args, { cwd: scratch.dir }))).toBe(expected);
  });
});

describe('the project file', () => {
  async function project(name: string, yaml: string): Promise<string> {
    const file = scratch.path(name);
    await writeFile(file, yaml);
    return expectOneUsageLine(await runCli(['project', 'smoke', '--config', file], { cwd: scratch.dir }));
  }

  it('a YAML syntax error names its line', async () => {
    const line = await project('syntax.yml', 'projects:\n  smoke:\n    image: x\n    files: [a, b\n    retries: 1\n');
    expect(line).toMatch(/^baleen: .*syntax\.yml:\d+: not valid YAML \(.+\): fix the YAML syntax$/);
    expect(Number(line.match(/syntax\.yml:(\d+)/)![1])).toBeGreaterThanOrEqual(4);
  });

  it('a duplicate key names its line', async () => {
    const line = await project('duplicate.yml', 'projects:\n  smoke:\n    image: x\n    files: a\n    image: y\n');
    expect(line).toMatch(/duplicate\.yml:5: not valid YAML \(map keys must be unique\)/i);
  });

  it.each([
    ['concurrency: four', 'projects.smoke.concurrency: must be a number, not the text "four"'],
    ['concurrency: 0', 'projects.smoke.concurrency: must be at least 1, not 0'],
    ['concurrency: 2.5', 'projects.smoke.concurrency: must be a whole number, not 2.5'],
    ['runtime: kubernetes', 'projects.smoke.runtime: must be one of docker, swarm, not "kubernetes"'],
    ['command: ""', 'projects.smoke.command: must not be empty'],
    ['fail_fast: "yes"', 'projects.smoke.fail_fast: must be true or false, not the text "yes"'],
    ['imgae: y', 'projects.smoke: unknown key "imgae"'],
    ['timeout: soon', 'projects.smoke.timeout: expected a duration such as 90s, 5m or 120'],
  ])("%s: the value's line and plain words, not zod's", async (entry, words) => {
    const line = await project('schema.yml', `projects:\n  smoke:\n    image: x\n    files: features/\n    ${entry}\n`);
    expect(line.startsWith(`baleen: ${scratch.path('schema.yml')}:5: ${words}: `), line).toBe(true);
    expect(line.endsWith(entry.startsWith('imgae') ? ': did you mean image?' : ': fix it there'), line).toBe(true);
    expect(line).not.toMatch(/Invalid input|Too small|received|expected number/);
  });

  it('a missing required key names the project', async () => {
    const line = await project('missing.yml', 'projects:\n  smoke:\n    files: features/\n');
    expect(
      line.startsWith(
        `baleen: ${scratch.path('missing.yml')}:2: projects.smoke.image: required, but missing: fix it there`,
      ),
      line,
    ).toBe(true);
  });
});

describe('--help', () => {
  const readme = fileURLToPath(new URL('../../README.md', import.meta.url));

  /** The README's exit-code table, the source --help repeats: [code, meaning] rows. */
  async function exitCodeTable(): Promise<[string, string][]> {
    const text = await readFile(readme, 'utf8');
    const table = text.split('## Exit codes\n')[1]!.split('\n\n')[0]!;
    return [...table.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((row) => [row[1]!, row[2]!.replaceAll('`', '')]);
  }

  it.each([
    [['--help'], 'cucumber --image'],
    [['cucumber', '--help'], 'cucumber --image'],
    [['project', '--help'], 'project example'],
    [['merge', '--help'], 'merge shard-1'],
  ])('%j shows examples and every exit code of the README', async (args, example) => {
    const result = await runCli(args, { cwd: scratch.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`\nExamples:\n  $ baleen ${example}`);
    const rows = await exitCodeTable();
    expect(rows.map(([code]) => code)).toEqual(['0', '1', '2', '3', '130']);
    for (const [code, meaning] of rows) expect(result.stdout).toContain(`  ${code.padEnd(4)}${meaning}`);
  });

  it.each([['plan'], ['init'], ['server'], ['reap'], ['runs'], ['report']])(
    "%s --help lists its own exit codes, not a run's",
    async (command) => {
      const result = await runCli([command, '--help'], { cwd: scratch.dir });
      expect(result.code).toBe(0);
      const codes = result.stdout.split('\nExit codes:\n')[1]!;
      expect(codes).not.toContain('every feature passed');
      expect([...codes.matchAll(/^ {2}(\d+) /gm)].map((match) => match[1])).toEqual(['0', '2', '3']);
    },
  );

  it("plan PROJECT splits what the project's runs select on CI: its ci: section included, as `project` reads it", async () => {
    // The shards run `baleen project suite --shard i/N --plan FILE` on CI, with the ci: section: the plan must
    // hold the same features, or every shard refuses it.
    const config = scratch.path('plan-ci.yml');
    await writeFile(
      config,
      'projects:\n  suite:\n    image: x\n    files: features/\n    ci:\n      files: features/pass.feature\n',
    );
    const out = scratch.path('plan-ci.json');
    const fixtures = fileURLToPath(new URL('../fixtures/suite', import.meta.url));
    const planned = await runCli(['plan', 'suite', '--config', config, '--shards', '1', '--out', out], {
      cwd: fixtures,
      env: { CI: 'true' },
    });
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    expect((JSON.parse(await readFile(out, 'utf8')) as { shards: string[][] }).shards).toEqual([
      ['features/pass.feature'],
    ]);
  });

  it('cucumber --help says what the default command is in words one reads', async () => {
    const result = await runCli(['cucumber', '--help'], { cwd: scratch.dir });
    const help = result.stdout.replaceAll(/\s+/g, ' ');
    expect(help).toContain("(default: cucumber-js {file}{tags} --format json:{report}, the suite's own");
    expect(help).not.toContain('""$(');
  });
});
