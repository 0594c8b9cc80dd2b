import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseBatchFlag } from '../batch/batch-option.js';
import { parseEnvOptions } from '../config/env-option.js';
import { parseCpus, parseDuration, parseGrace, parseMemory } from '../config/units.js';
import { DEFAULT_BATCH_TARGET_MS } from '../domain/batch-choice.js';
import { IsolationSchema } from '../domain/isolation.js';
import {
  ConcurrencySchema,
  ConstraintSchema,
  DEFAULT_COLLECT_MAX_MIB,
  DEFAULT_STOP_GRACE_SECONDS,
  ENV_NAME,
  NetworkSchema,
  RetriesSchema,
  RUN_OPTION_FIELDS as WIRE,
} from '../domain/run-option-fields.js';
import { SplitChoiceSchema } from '../domain/split-choice.js';
import { OrderChoiceSchema } from '../domain/order-choice.js';
import { RUNTIME_KINDS } from '../runtime/registry.js';
import { parseShard } from '../shards/shard.js';
import { DEFAULT_TIMINGS_FILE } from '../timings/timing-history.js';
import {
  choiceFlag,
  countFlag,
  mapFlag,
  readerFlag,
  repeatedFlag,
  switchFlag,
  textFlag,
  textsFlag,
} from './cli-side.js';
import { constraintHelp, engineRunOptions, runtimeFlag, withRuntimeNotes } from './engine-flags.js';
import { fileKey, oneOrMany, readerSchema } from './file-side.js';
import { runOption, type RunOptionDeclaration } from './option.js';
import { reader } from './reader.js';

export const DEFAULT_REPORT_DIR = 'baleen-report';

export function defaultConcurrency(): number {
  return availableParallelism();
}

const text = z.string().min(1);
const DURATION = reader(parseDuration, 'a duration such as 90s, 5m or 120');
const SIZE = reader(parseMemory, 'a size such as 512m or 2g');
const COLLECT_SIZE = reader(parseMemory, 'a size such as 512k or 32m');
const BATCH = reader(parseBatchFlag, 'a number of features such as 8, or auto');
const BATCH_TARGET = reader(parseDuration, 'a duration such as 60s or 2m');
const GRACE = reader(parseGrace, 'a duration such as 30s, or 0');
const CPUS = reader(parseCpus, 'a number of CPUs such as 1.5');

/**
 * Every run option of `baleen cucumber` and `baleen project`, declared once: its flag and help, its key in a
 * project of baleen.yml, its value when none is given, and, for those the server needs, its RunSpec field
 * (under the option's own name; its schema, with the bounds the server holds a client to, is the wire's and
 * lives in domain/run-option-fields.ts). The order is the help's. How to add one: docs/run-options.md.
 */
export const RUN_OPTIONS = {
  image: runOption({
    cli: textFlag('--image <image>', 'the runner image; it holds the suite under its working directory', {
      only: 'cucumber',
    }),
    file: fileKey('image', text),
    wire: WIRE.image,
    required: true,
  }),
  /**
   * Feature files, folders or globs, or `path:LINE[:LINE]` for scenarios of one file; the client resolves them
   * and sends the features (RunSpec `features`, `selectedLines`). On `project`, they replace the file's.
   */
  files: runOption({
    cli: textsFlag(
      '--files <path...>',
      'feature files, directories (searched for *.feature), globs, or path:LINE[:LINE] for the scenarios at those lines',
    ),
    file: fileKey('files', oneOrMany(text, true)),
    required: true,
  }),
  /** What each container runs; with --batch and no command, the batch's default (derive-spec.ts). */
  command: runOption({
    cli: textFlag(
      '--command <template>',
      "what each container runs via sh -c; {file} (a batch's {files}), {report} and {tags} are filled in (default: cucumber-js {file}{tags} --format json:{report}, the suite's own node_modules/.bin/cucumber-js when the image has one)",
      { only: 'cucumber' },
    ),
    file: fileKey('command', text),
    wire: WIRE.command,
  }),
  workDir: runOption({
    cli: textFlag('--work-dir <dir>', "working directory inside the container (default: the image's WORKDIR)", {
      only: 'cucumber',
    }),
    file: fileKey('work_dir', z.string().startsWith('/', 'must be an absolute path inside the image')),
    wire: WIRE.workDir,
  }),
  beforeCommand: runOption({
    cli: textFlag('--before-command <cmd>', 'runs first in the same shell; if it fails, the feature is an error', {
      only: 'cucumber',
    }),
    file: fileKey('before_command', text),
    wire: WIRE.beforeCommand,
  }),
  env: runOption({
    cli: mapFlag(
      repeatedFlag(
        '--env <KEY=VALUE>',
        'an environment variable for the containers (repeatable; KEY alone passes yours)',
        { only: 'cucumber' },
      ),
      (pairs) => parseEnvOptions(pairs),
    ),
    file: fileKey(
      'env',
      z.record(
        z.string().regex(ENV_NAME, 'must be an environment variable name'),
        z.union([z.string(), z.number(), z.boolean()]).transform(String),
      ),
    ),
    wire: WIRE.env,
    fallback: () => ({}),
  }),
  /** The embedded server's engine (a `--server` has its own). */
  runtime: runOption({
    cli: runtimeFlag("the embedded server's"),
    file: fileKey('runtime', z.enum(RUNTIME_KINDS)),
  }),
  ...engineRunOptions(),
  concurrency: runOption({
    cli: countFlag('--concurrency <n>', 'containers at once (default: the CPU count)', 1),
    file: fileKey('concurrency', ConcurrencySchema),
    wire: WIRE.concurrency,
    fallback: defaultConcurrency,
  }),
  /** Per feature: past this the container is stopped (grace period, then kill) and the feature is an error. */
  timeoutMs: runOption({
    cli: readerFlag(
      '--timeout <duration>',
      'per feature, e.g. 90s, 5m or seconds; then the container is stopped and the feature is an error',
      DURATION,
    ),
    file: fileKey('timeout', readerSchema(DURATION)),
    wire: WIRE.timeoutMs,
  }),
  /** A failed or errored feature runs again in a fresh container, up to this many more times. */
  retries: runOption({
    cli: countFlag(
      '--retries <n>',
      'run a failed or errored feature again, in a fresh container, up to n more times',
      0,
    ),
    file: fileKey('retries', RetriesSchema),
    wire: WIRE.retries,
  }),
  /** After the first feature that fails for good, start nothing new and stop what runs. */
  failFast: runOption({
    cli: switchFlag(
      '--fail-fast',
      'after the first failure start no new container, stop the running ones and skip the rest',
    ),
    file: fileKey('fail_fast', z.boolean()),
    wire: WIRE.failFast,
  }),
  /** Several features per container (see batch/pack-batches.ts); sent with --batch-target as one BatchChoice. */
  batch: runOption({
    cli: readerFlag(
      '--batch <n|auto>',
      'run several features per container in one runner invocation ({files} in --command): n each, or auto by the timing history (default: one feature per container)',
      BATCH,
    ),
    file: fileKey('batch', readerSchema(BATCH)),
    wire: WIRE.batch,
  }),
  batchTargetMs: runOption({
    cli: readerFlag(
      '--batch-target <duration>',
      `with --batch auto: about this much predicted work per container (default: ${DEFAULT_BATCH_TARGET_MS / 1000}s)`,
      BATCH_TARGET,
    ),
    file: fileKey('batch_target', readerSchema(BATCH_TARGET)),
  }),
  /** How features are kept apart: a fresh container each, or warm workers (see worker/worker-launcher.ts). */
  isolation: runOption({
    cli: choiceFlag(
      '--isolation <mode>',
      withRuntimeNotes(
        'isolation',
        'feature: a fresh container per feature (the default); worker: one warm container per slot for the whole run, handed the features one by one, the support code loading once per slot',
      ),
      IsolationSchema.options,
    ),
    file: fileKey('isolation', IsolationSchema),
    wire: WIRE.isolation,
  }),
  /** What one container runs: a feature file, or one scenario of it (see dispatcher/first-attempts.ts). */
  split: runOption({
    cli: choiceFlag(
      '--split <what>',
      'what one container runs: a feature file, or one scenario (one Examples row of an outline) each, put back together in the reports (default: feature)',
      SplitChoiceSchema.options,
    ),
    file: fileKey('split', SplitChoiceSchema),
    wire: WIRE.split,
  }),
  /** The order the work is handed out in (see domain/order-choice.ts and dispatcher/order-strategy.ts). */
  order: runOption({
    cli: choiceFlag(
      '--order <how>',
      'the order the features (or scenarios) start in: longest-first, the ones with no timing history first (the default), or given, the order of --files',
      OrderChoiceSchema.options,
    ),
    file: fileKey('order', OrderChoiceSchema),
    wire: WIRE.order,
  }),
  /** Container memory limit in bytes (as a container engine's `run --memory`). */
  memoryBytes: runOption({
    cli: readerFlag('--memory <size>', withRuntimeNotes('memory', 'memory limit per container, e.g. 512m or 2g'), SIZE),
    file: fileKey('memory', readerSchema(SIZE)),
    wire: WIRE.memoryBytes,
  }),
  /** CPU limit in billionths of a CPU (`run --cpus 1.5` = 1_500_000_000). */
  nanoCpus: runOption({
    cli: readerFlag('--cpus <n>', withRuntimeNotes('cpus', 'CPU limit per container, e.g. 1.5'), CPUS),
    file: fileKey('cpus', readerSchema(CPUS)),
    wire: WIRE.nanoCpus,
  }),
  /** Placement constraints, in the syntax of the server's runtime; the command line's add to the file's. */
  constraints: runOption({
    cli: repeatedFlag('--constraint <expr>', constraintHelp()),
    file: fileKey('constraints', z.array(ConstraintSchema)),
    wire: WIRE.constraints,
    merge: 'add',
    fallback: () => [],
  }),
  /** A Cucumber tag expression, handed to the runner through the command's `{tags}`. */
  tags: runOption({
    cli: textFlag(
      '--tags <expression>',
      'run only the scenarios this Cucumber tag expression selects, e.g. "@smoke and not @slow"; a feature with none starts no container',
    ),
    file: fileKey('tags', text),
    wire: WIRE.tags,
  }),
  /**
   * A run that selects no scenario (a --tags that matches nothing, a shard with no feature, features without
   * scenarios) fails with exit 2, so that a typo in a CI expression is not green; this lets it pass (the name
   * is Playwright's).
   */
  passWithNoTests: runOption({
    cli: switchFlag(
      '--pass-with-no-tests',
      'exit 0 when --tags, the shard or the files leave no scenario to run (default: exit 2, one line saying why)',
    ),
    file: fileKey('pass_with_no_tests', z.boolean()),
  }),
  /** Only what failed or errored in the last run (the report dir's @rerun.txt); read by the client. */
  lastFailed: runOption({
    cli: switchFlag(
      '--last-failed',
      'run only the features (with --split scenarios, the scenarios) that failed or errored in the last run of --report-dir',
    ),
    notInFile: 'what to rerun is asked after a run, by whoever reruns it, not by the suite',
  }),
  /** A rerun file to read instead of the report dir's: `--last-failed` from another run, or cucumber-js's own. */
  lastRun: runOption({
    cli: textFlag(
      '--last-run <file>',
      "as --last-failed, from this rerun file (another report dir's @rerun.txt, or one cucumber-js's rerun formatter wrote)",
    ),
    notInFile: 'what to rerun is asked after a run, by whoever reruns it, not by the suite',
  }),
  /** Seconds between the stop signal and the kill, for timeouts. */
  stopGraceSeconds: runOption({
    cli: readerFlag(
      '--stop-grace <duration>',
      `when a feature exceeds --timeout: how long its container has between SIGTERM and SIGKILL, e.g. 30s or 0 (default: ${DEFAULT_STOP_GRACE_SECONDS}s)`,
      GRACE,
    ),
    file: fileKey('stop_grace', readerSchema(GRACE)),
    wire: WIRE.stopGraceSeconds,
  }),
  /**
   * An existing network every container joins instead of the run's own (a suite that needs a database
   * container), or `none` for no network at all. Unset: a network of this run only.
   */
  network: runOption({
    cli: textFlag(
      '--network <name>',
      "join this existing network (a suite's database container) instead of the run's own, or none for no network (default: a network of this run only)",
    ),
    file: fileKey('network', NetworkSchema),
    wire: WIRE.network,
  }),
  /** Paths in the container (relative to its working directory) whose files come back with the report; the command line's add to the file's. */
  collect: runOption({
    cli: repeatedFlag(
      '--collect <path>',
      "bring the files under this path in the container (e.g. screenshots/) back into the report dir's artifacts/<feature>/ (repeatable)",
    ),
    file: fileKey('collect', oneOrMany(text)),
    wire: WIRE.collect,
    merge: 'add',
    fallback: () => [],
  }),
  /** At most this many bytes of collected files (as a tar archive) per feature; past it the rest is cut. */
  collectMaxBytes: runOption({
    cli: readerFlag(
      '--collect-max <size>',
      `at most this much collected per feature, e.g. ${DEFAULT_COLLECT_MAX_MIB}m (the default); past it the rest is cut and the report says so`,
      COLLECT_SIZE,
    ),
    file: fileKey('collect_max', readerSchema(COLLECT_SIZE)),
    wire: WIRE.collectMaxBytes,
  }),
  reportDir: runOption({
    cli: textFlag('--report-dir <dir>', `where reports are written (default: ${DEFAULT_REPORT_DIR})`),
    file: fileKey('report_dir', text),
    fallback: () => DEFAULT_REPORT_DIR,
  }),
  /** The timing history file: long features first, balanced shards. */
  timingsFile: runOption({
    cli: textFlag(
      '--timings <file>',
      `timing history used to start long features first and balance shards (default: ${DEFAULT_TIMINGS_FILE})`,
    ),
    file: fileKey('timings', text),
    fallback: () => DEFAULT_TIMINGS_FILE,
  }),
  /** Where the run's time went, written once the run is over (see reporters/files/trace-file.ts). */
  traceFile: runOption({
    cli: textFlag(
      '--trace <file>',
      "write where the run's time went, phase by phase and container by container, as a Trace Event file (open it in ui.perfetto.dev)",
    ),
    notInFile: "a look at one run's time, not a setting of the suite",
  }),
  shard: runOption({
    cli: readerFlag(
      '--shard <i/n>',
      'run only shard i of n (of --plan, else balanced by the timing history; merge the reports with baleen merge)',
      reader(parseShard, 'INDEX/TOTAL such as 2/4'),
    ),
    notInFile: 'each CI job of a pipeline runs its own shard of the same project',
  }),
  /** The pipeline's one split (`baleen plan --out FILE`): this shard runs its part of it, whatever its timing history. */
  plan: runOption({
    cli: textFlag(
      '--plan <file>',
      'with --shard: run this shard of the plan `baleen plan` wrote, so that every shard of a pipeline splits alike',
    ),
    notInFile: 'a plan is made for one pipeline, by its plan job, and handed to its shards',
  }),
  /** A running baleen server; without one, an embedded server starts in-process, on `runtime`. */
  server: runOption({
    cli: textFlag(
      '--server <url>',
      'a running baleen server, e.g. ws://127.0.0.1:5533 (default: an embedded one, on --runtime)',
    ),
    notInFile:
      "which server runs it is the invoking machine's choice, as is its engine (and a pushed run is its own server's)",
  }),
  token: runOption({
    cli: textFlag('--token <token>', "the server's token", { env: 'BALEEN_TOKEN' }),
    notInFile: 'a secret does not belong in a file kept in the repository (BALEEN_TOKEN, or the token file)',
  }),
  quiet: runOption({
    cli: switchFlag('--quiet', 'print only the summary', { conflicts: 'verbose' }),
    notInFile: "how much the console shows is the reader's choice, not the suite's",
  }),
  verbose: runOption({
    cli: switchFlag('--verbose', "stream every container's output and the server log"),
    notInFile: "how much the console shows is the reader's choice, not the suite's",
  }),
};

export type RunOptions = typeof RUN_OPTIONS;
export type RunOptionName = keyof RunOptions;

/** The declarations in order, for the derivations that walk them (their types come from RunOptions). */
export function runOptionEntries(): [RunOptionName, RunOptionDeclaration<unknown>][] {
  return Object.entries(RUN_OPTIONS) as [RunOptionName, RunOptionDeclaration<unknown>][];
}
