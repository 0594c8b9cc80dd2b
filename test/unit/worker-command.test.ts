import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COMMAND, RunSpecSchema } from '../../src/domain/run-spec.js';
import { WORKER_PROGRAM_ENV, WORKER_REPORT_ENV, workerCommand } from '../../src/worker/worker-program.js';

/** The one problem the run spec names for a warm-worker run of this command, if any. */
function refusal(command: string): string | undefined {
  const parsed = RunSpecSchema.safeParse({
    image: 'img',
    features: ['features/a.feature'],
    concurrency: 2,
    isolation: 'worker',
    command,
  });
  return parsed.success ? undefined : parsed.error.issues.map((issue) => issue.message).join('\n');
}

/** The arguments the worker is started with through this command (a stand-in program prints them). */
function workerArguments(command: string): string[] {
  const out = execFileSync('sh', ['-c', workerCommand(command)], {
    encoding: 'utf8',
    env: {
      ...process.env,
      [WORKER_PROGRAM_ENV]: 'console.log(JSON.stringify(process.argv.slice(1)))',
      [WORKER_REPORT_ENV]: '/tmp/baleen/report.json',
    },
  });
  return JSON.parse(out) as string[];
}

describe('--isolation worker with a command template', () => {
  it.each([
    DEFAULT_COMMAND,
    'cucumber-js -p ci {file}',
    'npx cucumber-js --config ci.mjs {file} --format json:{report}',
    './node_modules/.bin/cucumber-js {file}{tags}',
    'CI=1 cucumber-js {files} --world-parameters \'{"a":1}\'',
    'cd e2e && node ../node_modules/.bin/cucumber-js {file}',
    './with-database.sh cucumber-js -p ci {file}',
  ])('accepts %s', (command) => {
    expect(refusal(command)).toBeUndefined();
  });

  it('refuses a command that calls no cucumber-js, naming the fix', () => {
    expect(refusal('npm test -- {file}')).toBe(
      "--isolation worker starts its workers through --command in cucumber-js's place, and this command calls no cucumber-js: call it there (`cucumber-js -p ci {file}`, `./with-db.sh cucumber-js {file}`), or use --isolation feature",
    );
  });

  it.each(['cucumber-js --parallel 2 {file}', 'npx cucumber-js {file} --parallel=4'])(
    'refuses --parallel (the workers are the parallelism): %s',
    (command) => {
      expect(refusal(command)).toBe(
        '--isolation worker runs one feature per worker, and its workers are the parallelism: take --parallel out of --command (--concurrency N runs N workers)',
      );
    },
  );

  it.each([
    ['cucumber-js -p ci {file}', ['-p', 'ci']],
    [DEFAULT_COMMAND, ['--format', 'json:/tmp/baleen/report.json']],
    [
      'CI=1 npx cucumber-js {file}{only}{tags} --format json:{report} --world-parameters \'{"a":"b c"}\'',
      ['--format', 'json:/tmp/baleen/report.json', '--world-parameters', '{"a":"b c"}'],
    ],
  ])('starts the worker with what %s gives cucumber-js, less paths, tags and {only}', (command, argv) => {
    expect(workerArguments(command)).toEqual(argv);
  });

  it.each([
    ['sh -c \'CI=1 exec "$@"\' wrapper cucumber-js -p ci {file}', ['-p', 'ci']],
    ['env CI=1 npx cucumber-js {file} --profile ci', ['--profile', 'ci']],
  ])('reaches it through a program given cucumber-js as its arguments: %s', (command, argv) => {
    expect(workerArguments(command)).toEqual(argv);
  });

  it('ends the shell with the worker: the rest of the command does not run', () => {
    expect(workerArguments('cucumber-js {file}; echo \'["ran on"]\'')).toEqual([]);
  });
});
