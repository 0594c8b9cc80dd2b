import { Command, InvalidArgumentError, Option } from 'commander';
import { createRequire } from 'node:module';
import { DEFAULT_COMMAND } from '../domain/run-spec.js';
import { DEFAULT_REPORT_DIR } from '../config/run-request.js';
import { parseCpus, parseDuration, parseMemory } from '../config/units.js';
import { parseShard } from '../scheduling/shard.js';
import { parseBatchFlag, type BatchFlag } from '../batch/batch-option.js';
import { RUNTIME_KINDS, type RuntimeKind } from '../runtime/create-runtime.js';
import { DEFAULT_TIMINGS_FILE } from '../scheduling/timing-history.js';
import { DEFAULT_SERVER_URL } from '../client/stored-runs.js';
import { addExamplesAndExitCodes } from './usage/help-text.js';
import { writeUsageErrorsAsOneLine } from './usage/one-line-errors.js';
import { checkRequiredOptionsAfterUnknownOnes } from './usage/required-options.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export interface CucumberFlags extends EngineFlags {
  image: string;
  files: string[];
  command?: string;
  workDir?: string;
  beforeCommand?: string;
  env: string[];
  concurrency?: number;
  timeout?: number;
  retries?: number;
  failFast?: boolean;
  batch?: BatchFlag;
  batchTarget?: number;
  memory?: number;
  cpus?: number;
  constraint: string[];
  tags?: string;
  network?: string;
  stopGrace?: number;
  collect: string[];
  collectMax?: number;
  reportDir?: string;
  timings?: string;
  shard?: { index: number; total: number };
  server?: string;
  token?: string;
  quiet?: boolean;
  verbose?: boolean;
}

/** How a process reaches its container engine: the embedded server's, or `baleen server`'s. */
export interface EngineFlags {
  runtime?: RuntimeKind;
  dockerHost?: string;
}

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

export type ClientFlags = Pick<
  CucumberFlags,
  'concurrency' | 'timeout' | 'retries' | 'failFast' | 'tags' | 'batch' | 'batchTarget' | 'collect' | 'collectMax' | 'memory' | 'cpus' | 'constraint' | 'network' | 'stopGrace' | 'reportDir' | 'timings' | 'shard' | 'server' | 'token' | 'quiet' | 'verbose' | 'runtime' | 'dockerHost'
>;

export interface ProjectFlags extends ClientFlags {
  config: string;
}

export interface MergeFlags {
  reportDir: string;
  timings?: string;
}

export interface InitFlags {
  image?: string;
  files?: string[];
  shards: number;
}

export interface CommandHandlers {
  merge(dirs: string[], flags: MergeFlags): Promise<number>;
  init(flags: InitFlags): Promise<number>;
  cucumber(flags: CucumberFlags): Promise<number>;
  server(flags: ServerFlags): Promise<number>;
  project(name: string, flags: ProjectFlags): Promise<number>;
  runs(flags: StoredRunFlags): Promise<number>;
  report(runId: string, flags: ReportFlags): Promise<number>;
  reap(flags: ReapFlags): Promise<number>;
}

export interface ReapFlags extends EngineFlags {
  olderThan?: number;
  serverId?: string;
  dryRun?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function positiveInt(name: string) {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError(`${name} must be a whole number of 1 or more.`);
    return number;
  };
}

/** A commander parser from one of config/units' readers, with the option's own message on failure. */
function unit<T>(read: (text: string) => T | undefined, expected: string) {
  return (value: string) => {
    const parsed = read(value);
    if (parsed === undefined) throw new InvalidArgumentError(`expected ${expected}.`);
    return parsed;
  };
}

/** A grace period in whole seconds: 0 (kill at once) or a duration, rounded up. */
function parseGrace(text: string): number | undefined {
  if (/^0+(\.0*)?(ms|s|m|h)?$/.test(text.trim())) return 0;
  const ms = parseDuration(text);
  return ms === undefined || ms > 3_600_000 ? undefined : Math.ceil(ms / 1000);
}

function nonNegativeInt(name: string) {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError(`${name} must be a whole number of 0 or more.`);
    return number;
  };
}

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) throw new InvalidArgumentError('--port must be a number from 0 to 65535.');
  return number;
}

/** How to reach the engine: for `baleen server`, and for the server a client embeds. */
function addEngineOptions(command: Command, whose: string): Command {
  return command
    .addOption(new Option('--runtime <kind>', `where ${whose} containers run: one Docker engine, or a Docker Swarm through a manager (default: docker)`).choices(RUNTIME_KINDS))
    .option('--docker-host <url>', 'the Docker engine (or swarm manager): unix://, tcp:// (TLS from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) or ssh:// (default: DOCKER_HOST, then the docker context, then the local socket)');
}

/** Options shared by every command that runs a suite. */
function addRunOptions(command: Command): Command {
  return addEngineOptions(command, 'the embedded server\'s')
    .option('--concurrency <n>', 'containers at once (default: the CPU count)', positiveInt('--concurrency'))
    .option('--timeout <duration>', 'per feature, e.g. 90s, 5m or seconds; then the container is stopped and the feature is an error', unit(parseDuration, 'a duration such as 90s, 5m or 120'))
    .option('--retries <n>', 'run a failed or errored feature again, in a fresh container, up to n more times', nonNegativeInt('--retries'))
    .option('--fail-fast', 'after the first failure start no new container, stop the running ones and skip the rest')
    .option('--batch <n|auto>', 'run several features per container in one runner invocation ({files} in --command): n each, or auto by the timing history (default: one feature per container)', unit(parseBatchFlag, 'a number of features such as 8, or auto'))
    .option('--batch-target <duration>', 'with --batch auto: about this much predicted work per container (default: 60s)', unit(parseDuration, 'a duration such as 60s or 2m'))
    .option('--memory <size>', 'memory limit per container, e.g. 512m or 2g (on a swarm also reserved)', unit(parseMemory, 'a size such as 512m or 2g'))
    .option('--cpus <n>', 'CPU limit per container, e.g. 1.5 (on a swarm also reserved)', unit(parseCpus, 'a number of CPUs such as 1.5'))
    .option('--constraint <expr>', 'swarm placement constraint, e.g. node.labels.pool==ci (repeatable; --runtime swarm)', collect, [])
    .option('--tags <expression>', 'run only the scenarios this Cucumber tag expression selects, e.g. "@smoke and not @slow"; a feature with none starts no container')
    .option('--stop-grace <duration>', 'when a feature exceeds --timeout: how long its container has between SIGTERM and SIGKILL, e.g. 30s or 0 (default: 10s)', unit(parseGrace, 'a duration such as 30s, or 0'))
    .option('--network <name>', 'join this existing network (a suite\'s database container) instead of the run\'s own, or none for no network (default: a network of this run only)')
    .option('--collect <path>', 'bring the files under this path in the container (e.g. screenshots/) back into the report dir\'s artifacts/<feature>/ (repeatable)', collect, [])
    .option('--collect-max <size>', 'at most this much collected per feature, e.g. 32m (the default); past it the rest is cut and the report says so', unit(parseMemory, 'a size such as 512k or 32m'))
    .option('--report-dir <dir>', `where reports are written (default: ${DEFAULT_REPORT_DIR})`)
    .option('--timings <file>', `timing history used to start long features first and balance shards (default: ${DEFAULT_TIMINGS_FILE})`)
    .option('--shard <i/n>', 'run only shard i of n (balanced by the timing history; merge the reports with baleen merge)', unit(parseShard, 'INDEX/TOTAL such as 2/4'))
    .option('--server <url>', 'a running baleen server, e.g. ws://127.0.0.1:5533 (default: an embedded one, on --runtime)')
    .addOption(new Option('--token <token>', 'the server\'s token').env('BALEEN_TOKEN'))
    .addOption(new Option('--quiet', 'print only the summary').conflicts('verbose'))
    .option('--verbose', 'stream every container\'s output and the server log');
}

function addStoredRunOptions(command: Command): Command {
  return command
    .option('--server <url>', 'the server (ws:// or http://, the same address)', DEFAULT_SERVER_URL)
    .addOption(new Option('--token <token>', 'the server\'s token').env('BALEEN_TOKEN'));
}

/** The command-line surface. Parsing only: what each command does lives with its handler. */
export function buildProgram(handlers: CommandHandlers): Command {
  const program = new Command('baleen')
    .description('Run a Cucumber suite in parallel, one Docker container per feature file.')
    // Usage errors must exit 2, not commander's 1: throw instead of exiting, and let main() decide.
    .exitOverride()
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .enablePositionalOptions();

  addRunOptions(
    program
      .command('cucumber')
      .description('run feature files, each in its own container, and write the reports')
      .requiredOption('--image <image>', 'the runner image; it holds the suite under its working directory')
      .requiredOption('--files <path...>', 'feature files, directories (searched for *.feature) or globs')
      .option('--command <template>', `what each container runs via sh -c; {file} and {report} are filled in (default: "${DEFAULT_COMMAND}")`)
      .option('--work-dir <dir>', 'working directory inside the container (default: the image\'s WORKDIR)')
      .option('--before-command <cmd>', 'runs first in the same shell; if it fails, the feature is an error')
      .option('--env <KEY=VALUE>', 'an environment variable for the containers (repeatable; KEY alone passes yours)', collect, []),
  ).action((flags: CucumberFlags) => handlers.cucumber(flags).then(setExitCode));

  addEngineOptions(program.command('server'), 'the server\'s')
    .description('run the engine as a long-lived WebSocket server')
    .option('--host <host>', 'address to listen on (anything but loopback needs --token)', '127.0.0.1')
    .option('--port <port>', 'port to listen on', port, 5533)
    .addOption(new Option('--token <token>', 'clients must present this token').env('BALEEN_TOKEN'))
    .option('--allow-image <pattern>', 'only run images matching this pattern (* is a wildcard; repeatable)', collect, [])
    .option('--capacity <n>', 'containers at once across every client\'s runs; a run\'s --concurrency caps that run (default: the CPU count)', positiveInt('--capacity'))
    .option('--max-connections <n>', 'WebSocket connections at once (default: 64)', positiveInt('--max-connections'))
    .option('--max-runs-per-connection <n>', 'runs one connection may have going at once (default: 16)', positiveInt('--max-runs-per-connection'))
    .option('--max-queued-features <n>', 'features of unfinished runs, queued or running, across every client (default: 100000)', positiveInt('--max-queued-features'))
    .option('--allow-network <name>', 'let clients join this existing network with --network (repeatable; none is always allowed)', collect, [])
    .option('--data-dir <dir>', 'keep every run\'s report folder in DIR/runs/<run-id>/, served at /runs/<run-id>/')
    .option('--keep <n>', 'with --data-dir: keep only the newest n finished runs', positiveInt('--keep'))
    .option('--keep-for <duration>', 'with --data-dir: delete finished runs older than this, e.g. 72h', unit(parseDuration, 'a duration such as 72h or 30m'))
    .addOption(new Option('--webhook-secret <secret>', 'run the projects of --config on GitHub pushes signed with this secret (POST /hooks/github; needs --data-dir)').env('BALEEN_WEBHOOK_SECRET'))
    .option('--config <file>', 'with --webhook-secret: the project file naming each project\'s repository, branches and dockerfile')
    .option('--cancel-superseded', 'with --webhook-secret: a newer push of a project drops its pushes still waiting')
    .action((flags: ServerFlags) => handlers.server(flags).then(setExitCode));

  addEngineOptions(program.command('reap'), 'the')
    .description('remove the containers, swarm services and run networks baleen left on the engine, listing each')
    .option('--older-than <duration>', 'only those at least this old, e.g. 2h (whichever server, on whichever host, made them)', unit(parseDuration, 'a duration such as 90s, 5m or 2h'))
    .option('--server-id <id>', 'only those of this server (the serverId in its log)')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .action((flags: ReapFlags) => handlers.reap(flags).then(setExitCode));

  addStoredRunOptions(program.command('runs'))
    .description('list the runs a server stored (baleen server --data-dir)')
    .action((flags: StoredRunFlags) => handlers.runs(flags).then(setExitCode));

  addStoredRunOptions(program.command('report'))
    .description('download a stored run\'s report from a server')
    .argument('<run-id>', 'the run, as `baleen runs` lists it')
    .option('--report-dir <dir>', 'where the report goes', DEFAULT_REPORT_DIR)
    .action((runId: string, flags: ReportFlags) => handlers.report(runId, flags).then(setExitCode));

  addRunOptions(
    program
      .command('project')
      .description('run a named project from a YAML project file')
      .argument('<name>', 'the project, a key under `projects:`')
      .option('--config <file>', 'the project file', 'baleen.yml'),
  ).action((name: string, flags: ProjectFlags) => handlers.project(name, flags).then(setExitCode));

  program
    .command('merge')
    .description('merge report dirs (e.g. of --shard runs) into one report')
    .argument('<dirs...>', 'report dirs written by baleen')
    .option('--report-dir <dir>', 'where the merged report goes', DEFAULT_REPORT_DIR)
    .option('--timings <file>', 'also add the merged features\' durations to this timing history (the file CI caches for the next run)')
    .action((dirs: string[], flags: MergeFlags) => handlers.merge(dirs, flags).then(setExitCode));

  program
    .command('init')
    .description('write a runner Dockerfile, .dockerignore, baleen.yml and CI files (GitHub Actions, GitLab CI) into this folder; existing files are kept')
    .option('--image <name>', 'the runner image\'s name (default: the package\'s name, then -runner)')
    .option('--files <path...>', 'where the feature files are (default: features/)')
    .option('--shards <n>', 'how many CI jobs share the suite', positiveInt('--shards'), 4)
    .action((flags: InitFlags) => handlers.init(flags).then(setExitCode));

  writeUsageErrorsAsOneLine(program);
  checkRequiredOptionsAfterUnknownOnes(program);
  addExamplesAndExitCodes(program);
  return program;
}

function setExitCode(code: number): void {
  process.exitCode = code;
}
