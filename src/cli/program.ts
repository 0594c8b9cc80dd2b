import { Command, InvalidArgumentError, Option } from 'commander';
import { createRequire } from 'node:module';
import { parseDuration } from '../config/units.js';
import { collect, unit, wholeNumber } from '../run-options/cli-side.js';
import { DEFAULT_REPORT_DIR } from '../run-options/declaration.js';
import {
  addPlanOptions,
  addRunOptions,
  type PlanOptionName,
  planOptionsFromFlags,
  runOptionsFromFlags,
} from '../run-options/derive-cli.js';
import { engineOptionFlags, runtimeFlag } from '../run-options/engine-flags.js';
import type { EngineOptionName } from '../runtime/registry.js';
import { PROVIDERS } from '../runtime/registry.js';
import { reader } from '../run-options/reader.js';
import type { RunOptionValues } from '../run-options/values.js';
import { DEFAULT_SERVER_URL } from '../client/stored-runs.js';
import { addExamplesAndExitCodes } from './usage/help-text.js';
import { writeUsageErrorsAsOneLine } from './usage/one-line-errors.js';
import { checkRequiredOptionsAfterUnknownOnes } from './usage/required-options.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** How a process reaches its container engine: the embedded server's, or `baleen server`'s (the same flags). */
export type EngineFlags = Pick<RunOptionValues, 'runtime' | EngineOptionName>;

export interface ServerFlags extends EngineFlags {
  host: string;
  port: number;
  token?: string;
  allowImage: string[];
  capacity?: number;
  allowNetwork: string[];
  maxConnections?: number;
  maxRunsPerConnection?: number;
  maxQueuedFeatures?: number;
  maxHttpRuns?: number;
  dataDir?: string;
  keep?: number;
  keepFor?: number;
  webhookSecret?: string;
  config?: string;
  cancelSuperseded?: boolean;
}

/** Reading a server's stored runs over HTTP. */
export interface StoredRunFlags {
  server: string;
  token?: string;
}

export interface ReportFlags extends StoredRunFlags {
  reportDir: string;
}

export interface MergeFlags {
  reportDir: string;
  timings?: string;
}

export interface PlanFlags {
  config: string;
  shards: number;
  out: string;
}

export interface InitFlags {
  image?: string;
  files?: string[];
  shards: number;
}

export interface CommandHandlers {
  merge(dirs: string[], flags: MergeFlags): Promise<number>;
  init(flags: InitFlags): Promise<number>;
  /** `baleen plan [PROJECT]`: the split of a pipeline, from a project's files and tags and the command line's over them. */
  plan(project: string | undefined, flags: PlanFlags, options: Pick<RunOptionValues, PlanOptionName>): Promise<number>;
  /** `baleen cucumber`: the run options its command line gave. */
  cucumber(options: RunOptionValues): Promise<number>;
  server(flags: ServerFlags): Promise<number>;
  /** `baleen project NAME`: the project file, and the run options its command line gave over the project's. */
  project(name: string, configFile: string, options: RunOptionValues): Promise<number>;
  runs(flags: StoredRunFlags): Promise<number>;
  report(runId: string, flags: ReportFlags): Promise<number>;
  reap(flags: ReapFlags): Promise<number>;
}

export interface ReapFlags extends EngineFlags {
  olderThan?: number;
  serverId?: string;
  dryRun?: boolean;
}

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535)
    throw new InvalidArgumentError('--port must be a number from 0 to 65535.');
  return number;
}

/** How to reach the engine: for `baleen server` and `baleen reap` (the run options have the embedded server's). */
function addEngineOptions(command: Command, whose: string): Command {
  command.addOption(runtimeFlag(whose).make());
  for (const flag of Object.values(engineOptionFlags())) command.addOption(flag.make());
  return command;
}

function addStoredRunOptions(command: Command): Command {
  return command
    .option('--server <url>', 'the server (ws:// or http://, the same address)', DEFAULT_SERVER_URL)
    .addOption(new Option('--token <token>', "the server's token").env('BALEEN_TOKEN'));
}

/** The command-line surface. Parsing only: what each command does lives with its handler. */
export function buildProgram(handlers: CommandHandlers): Command {
  const program = new Command('baleen')
    .description('Run a Cucumber suite in parallel, one container per feature file.')
    // Usage errors must exit 2, not commander's 1: throw instead of exiting, and let main() decide.
    .exitOverride()
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .enablePositionalOptions();

  addRunOptions(
    program.command('cucumber').description('run feature files, each in its own container, and write the reports'),
    'cucumber',
  ).action((flags: Record<string, unknown>) =>
    handlers.cucumber(runOptionsFromFlags(flags, 'cucumber')).then(setExitCode),
  );

  addEngineOptions(program.command('server'), "the server's")
    .description('run the engine as a long-lived WebSocket server')
    .option('--host <host>', 'address to listen on (anything but loopback needs --token)', '127.0.0.1')
    .option('--port <port>', 'port to listen on', port, 5533)
    .addOption(new Option('--token <token>', 'clients must present this token').env('BALEEN_TOKEN'))
    .option(
      '--allow-image <pattern>',
      'only run images matching this pattern (* is a wildcard; repeatable)',
      collect,
      [],
    )
    .option(
      '--capacity <n>',
      "containers at once across every client's runs; a run's --concurrency caps that run (default: the CPU count)",
      wholeNumber('--capacity', 1),
    )
    .option('--max-connections <n>', 'WebSocket connections at once (default: 64)', wholeNumber('--max-connections', 1))
    .option(
      '--max-runs-per-connection <n>',
      'runs one connection may have going at once (default: 16)',
      wholeNumber('--max-runs-per-connection', 1),
    )
    .option(
      '--max-queued-features <n>',
      'features of unfinished runs, queued or running, across every client (default: 100000)',
      wholeNumber('--max-queued-features', 1),
    )
    .option(
      '--max-http-runs <n>',
      'runs started over HTTP (POST /api/runs) going at once (default: 16)',
      wholeNumber('--max-http-runs', 1),
    )
    .option(
      '--allow-network <name>',
      'let clients join this existing network with --network (repeatable; none is always allowed)',
      collect,
      [],
    )
    .option('--data-dir <dir>', "keep every run's report folder in DIR/runs/<run-id>/, served at /runs/<run-id>/")
    .option('--keep <n>', 'with --data-dir: keep only the newest n finished runs', wholeNumber('--keep', 1))
    .option(
      '--keep-for <duration>',
      'with --data-dir: delete finished runs older than this, e.g. 72h',
      unit(reader(parseDuration, 'a duration such as 72h or 30m')),
    )
    .addOption(
      new Option(
        '--webhook-secret <secret>',
        'run the projects of --config on GitHub pushes signed with this secret (POST /hooks/github; needs --data-dir)',
      ).env('BALEEN_WEBHOOK_SECRET'),
    )
    .option(
      '--config <file>',
      "with --webhook-secret: the project file naming each project's repository, branches and dockerfile",
    )
    .option('--cancel-superseded', 'with --webhook-secret: a newer push of a project drops its pushes still waiting')
    .action((flags: ServerFlags) => handlers.server(flags).then(setExitCode));

  addEngineOptions(program.command('reap'), 'the')
    .description(
      `remove the ${[...new Set(PROVIDERS.map((provider) => `${provider.unit}s`))].join(', ')} and run networks baleen left on the engine, listing each`,
    )
    .option(
      '--older-than <duration>',
      'only those at least this old, e.g. 2h (whichever server, on whichever host, made them)',
      unit(reader(parseDuration, 'a duration such as 90s, 5m or 2h')),
    )
    .option('--server-id <id>', 'only those of this server (the serverId in its log)')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .action((flags: ReapFlags) => handlers.reap(flags).then(setExitCode));

  addStoredRunOptions(program.command('runs'))
    .description('list the runs a server stored (baleen server --data-dir)')
    .action((flags: StoredRunFlags) => handlers.runs(flags).then(setExitCode));

  addStoredRunOptions(program.command('report'))
    .description("download a stored run's report from a server")
    .argument('<run-id>', 'the run, as `baleen runs` lists it, or a unique prefix of its id (4 characters or more)')
    .option('--report-dir <dir>', 'where the report goes', DEFAULT_REPORT_DIR)
    .action((runId: string, flags: ReportFlags) => handlers.report(runId, flags).then(setExitCode));

  addRunOptions(
    program
      .command('project')
      .description('run a named project from a YAML project file')
      .argument('<name>', 'the project, a key under `projects:`')
      .option('--config <file>', 'the project file', 'baleen.yml'),
    'project',
  ).action((name: string, flags: Record<string, unknown> & { config: string }) =>
    handlers.project(name, flags.config, runOptionsFromFlags(flags, 'project')).then(setExitCode),
  );

  program
    .command('merge')
    .description('merge report dirs (e.g. of --shard runs) into one report')
    .argument('<dirs...>', 'report dirs written by baleen')
    .option('--report-dir <dir>', 'where the merged report goes', DEFAULT_REPORT_DIR)
    .option(
      '--timings <file>',
      "also add the merged features' durations to this timing history (the file CI caches for the next run)",
    )
    .action((dirs: string[], flags: MergeFlags) => handlers.merge(dirs, flags).then(setExitCode));

  addPlanOptions(
    program
      .command('plan')
      .description(
        "split the suite into a pipeline's shards once, for every shard to run its part of (--shard i/N --plan FILE)",
      )
      .argument('[project]', 'a project of the project file: its files, tags and timings')
      .option('--config <file>', 'the project file', 'baleen.yml')
      .requiredOption('--shards <n>', 'how many shards (CI jobs) share the suite', wholeNumber('--shards', 1))
      .option('--out <file>', 'where the plan goes', 'baleen-plan.json'),
  ).action((project: string | undefined, flags: PlanFlags & Record<string, unknown>) =>
    handlers.plan(project, flags, planOptionsFromFlags(flags)).then(setExitCode),
  );

  program
    .command('init')
    .description(
      'write a runner Dockerfile, .dockerignore, baleen.yml and CI files (GitHub Actions, GitLab CI) into this folder; existing files are kept',
    )
    .option('--image <name>', "the runner image's name (default: the package's name, then -runner)")
    .option('--files <path...>', 'where the feature files are (default: features/)')
    .option('--shards <n>', 'how many CI jobs share the suite', wholeNumber('--shards', 1), 4)
    .action((flags: InitFlags) => handlers.init(flags).then(setExitCode));

  writeUsageErrorsAsOneLine(program);
  checkRequiredOptionsAfterUnknownOnes(program);
  addExamplesAndExitCodes(program);
  return program;
}

function setExitCode(code: number): void {
  process.exitCode = code;
}
