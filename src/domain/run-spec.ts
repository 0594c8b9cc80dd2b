import { z } from 'zod';
import { callsCucumber } from '../cucumber-cli/cucumber-invocation.js';
import { cucumberLineArgument, cucumberPathArgument } from '../cucumber-cli/path-argument.js';
import { relativePathProblem } from '../util/inside-root.js';
import { RUN_OPTION_FIELDS } from './run-option-fields.js';
import { Sha256Schema } from './image-probe.js';

export { commandWritesReport, DEFAULT_BATCH_COMMAND, DEFAULT_COMMAND } from './command-template.js';
export { SplitChoiceSchema, type SplitChoice } from './split-choice.js';
export { IsolationSchema, type Isolation } from './isolation.js';

/** Where, inside the container, the command writes its Cucumber JSON; baleen copies it out afterwards. */
export const DEFAULT_REPORT_PATH = '/tmp/baleen/cucumber-report.json';

/**
 * A feature path: relative to the image's working directory and normalized (no `..`, no absolute path, no
 * NUL, no empty or `.` part), since a server names report files after it (artifacts/<path>/, logs/<path>…),
 * and one cucumber-js can be given so that it reads exactly that file (see cucumberPathArgument).
 */
export const FeaturePathSchema = z
  .string()
  .min(1)
  .max(4096)
  .superRefine((path, context) => {
    const problem = relativePathProblem(path);
    if (problem !== undefined) {
      context.addIssue({
        code: 'custom',
        message: `${JSON.stringify(path)} is not a feature path: ${problem}; name features relative to the image's working directory`,
      });
      return;
    }
    const argument = cucumberPathArgument(path);
    if (!argument.ok)
      context.addIssue({
        code: 'custom',
        message: `${JSON.stringify(path)} cannot be run as is: ${argument.reason}; rename the file`,
      });
  });

/** What --split scenarios cannot do: pack batches, or hand a line to cucumber-js without `{file}` or on a path it globs. */
function splitProblems(
  spec: { batch?: unknown; command: string; features: readonly string[] },
  context: z.RefinementCtx,
): void {
  if (spec.batch !== undefined) {
    context.addIssue({
      code: 'custom',
      path: ['split'],
      message:
        '--split scenarios runs one scenario per container and --batch several features per container: use one of them',
    });
  }
  if (!/\{files?\}/.test(spec.command)) {
    context.addIssue({
      code: 'custom',
      path: ['command'],
      message:
        '--split scenarios hands each scenario to the runner as path:line through {file}: put {file} in --command',
    });
  }
  for (const path of spec.features) {
    const argument = cucumberLineArgument(path, 1);
    if (!argument.ok && cucumberPathArgument(path).ok) {
      context.addIssue({
        code: 'custom',
        path: ['features'],
        message: `${JSON.stringify(path)} cannot be split into scenarios: ${argument.reason}; rename the file or run it with --split feature`,
      });
      return;
    }
  }
}

/**
 * The most features one run may have. A larger suite is refused with a clear error before anything starts;
 * split it across runs with --shard. The dispatcher's cost per queued job is constant, so this bounds the
 * submit message and the server's memory rather than its speed.
 */
export const MAX_FEATURES_PER_RUN = 100_000;

/**
 * What a client asks a server to run. It carries only names and text, never host paths to mount: the
 * image holds the suite, and feature paths are relative to the image's working directory.
 */
export const RunSpecSchema = z
  .strictObject({
    /** The run options that cross the wire (image, command, env, concurrency, limits, …): run-option-fields.ts. */
    ...RUN_OPTION_FIELDS,
    features: z
      .array(FeaturePathSchema)
      .min(1)
      .max(MAX_FEATURES_PER_RUN, `more than ${MAX_FEATURES_PER_RUN} features in one run: split the suite with --shard`),
    /**
     * Per feature (a key is an entry of `features`), the lines of the scenarios it must run, as the client's
     * Gherkin parser found them: every scenario and Scenario Outline row it holds, or those a filter selects.
     * A feature passes only when its report has each of them, passed. A feature without an entry is judged by
     * its report alone (it must name the feature and hold a scenario of it).
     */
    expectedScenarioLines: z
      .record(z.string().max(4096), z.array(z.number().int().positive()).max(1_000_000))
      .default({}),
    /**
     * Per feature (a key is an entry of `features`), the lines of the scenarios the runner is handed with its
     * path (`./path:12:30`), from `--files path:LINE` or `--last-failed`; a feature without an entry runs
     * whole. Its `expectedScenarioLines` are the scenarios these select, so the judge asks for those alone.
     */
    selectedLines: z
      .record(z.string().max(4096), z.array(z.number().int().positive()).min(1).max(1_000_000))
      .default({}),
    /** Each feature's predicted duration in ms, from the client's timing history: the dispatcher orders by it. */
    predictions: z.record(z.string().max(4096), z.number().nonnegative()).default({}),
    reportPath: z.string().startsWith('/').max(4096).default(DEFAULT_REPORT_PATH),
    /**
     * sha256 of the client's copy of each file the image may hold (the features, the code and config beside
     * them), by path relative to the working directory: the image probe compares the image's copies with these
     * and names a stale image (see src/probe/). None: no comparison.
     */
    localHashes: z.record(z.string().max(4096), Sha256Schema).default({}),
    /**
     * `{only}` keeps cucumber-js to the files each container is given (the image probe sets it when the suite's
     * config names `paths`, which cucumber-js would run beside them).
     */
    onlyGivenFiles: z.boolean().default(false),
    /**
     * Whether a pending step fails its scenario, as in cucumber-js's strict mode (its default). False for a
     * suite whose own configuration or command says `--no-strict`: the image probe reads it from the suite's
     * config, as the image's cucumber-js would run it. A skipped scenario never fails; failed, ambiguous and
     * undefined ones always do (cucumber-js fails an undefined step in either mode).
     */
    strict: z.boolean().default(true),
  })
  .superRefine((spec, context) => {
    if (spec.isolation === 'worker') {
      for (const problem of workerIsolationConflicts(spec))
        context.addIssue({ code: 'custom', path: ['isolation'], message: problem });
    }
    // A batch's features reach the command only through `{files}`; `{file}` names one feature.
    if (spec.batch !== undefined && !spec.command.includes('{files}')) {
      context.addIssue({
        code: 'custom',
        path: ['command'],
        message:
          '--batch runs several features in one command: put {files} in --command where the feature paths go ({file} names one)',
      });
    }
    if (spec.split === 'scenarios') splitProblems(spec, context);
    for (const path of Object.keys(spec.selectedLines)) {
      const argument = cucumberLineArgument(path, 1);
      if (!argument.ok && cucumberPathArgument(path).ok)
        context.addIssue({
          code: 'custom',
          path: ['selectedLines'],
          message: `${JSON.stringify(path)} cannot be run by line: ${argument.reason}; rename the file, or run it whole`,
        });
    }
  });
export type RunSpec = z.infer<typeof RunSpecSchema>;

/**
 * What a warm worker cannot honour: it stands in for cucumber-js in the run's command (so the command must call
 * it), runs one feature per request and is itself one of the run's parallel slots, and its container outlives
 * the feature (so nothing is collected from it when the feature ends).
 */
export function workerIsolationConflicts(spec: {
  command: string;
  batch?: unknown;
  collect: readonly string[];
}): string[] {
  return [
    ...(spec.batch === undefined
      ? []
      : [
          '--isolation worker hands a worker one feature at a time: drop --batch (or use --batch without --isolation worker)',
        ]),
    ...(spec.collect.length === 0
      ? []
      : [
          '--isolation worker keeps its containers for the whole run, so --collect has no feature container to copy from: drop --collect, or use --isolation feature',
        ]),
    ...workerCommandProblems(spec.command),
  ];
}

/** `--parallel` as a word of a command line (`--parallel 4`, `--parallel=4`). */
const PARALLEL_OPTION = /(^|\s)--parallel(?=[\s=]|$)/;

/**
 * What a warm worker cannot take of a command template: it is started through the command, in cucumber-js's
 * place, so the command must call cucumber-js; and it runs one feature at a time, as one of the run's slots.
 */
function workerCommandProblems(command: string): string[] {
  if (!callsCucumber(command))
    return [
      "--isolation worker starts its workers through --command in cucumber-js's place, and this command calls no cucumber-js: call it there (`cucumber-js -p ci {file}`, `./with-db.sh cucumber-js {file}`), or use --isolation feature",
    ];
  if (PARALLEL_OPTION.test(command))
    return [
      '--isolation worker runs one feature per worker, and its workers are the parallelism: take --parallel out of --command (--concurrency N runs N workers)',
    ];
  return [];
}
