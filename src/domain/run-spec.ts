import { z } from 'zod';
import { cucumberLineArgument, cucumberPathArgument } from '../cucumber-cli/path-argument.js';
import { BatchChoiceSchema } from '../batch/batch-choice.js';
import { IMAGE_REFERENCE_FORM, parseImageReference } from './image-reference.js';

/**
 * The default command each container runs; `{file}`, `{report}` and `{tags}` are filled in per feature. The suite's own
 * cucumber-js (node_modules/.bin in the working directory) when the image has one: only that copy sees the
 * suite's dependencies (ts-node, its support code); else the one on PATH, as a runner image provides.
 */
export const DEFAULT_COMMAND = '"$(command -v ./node_modules/.bin/cucumber-js || echo cucumber-js)" {file}{tags} --format json:{report}';

/** The default command with --batch: the same, given every feature of the batch. */
export const DEFAULT_BATCH_COMMAND = DEFAULT_COMMAND.replace('{file}', '{files}');

/** Whether a command template writes a Cucumber report: without `{report}` a feature is judged by its exit code alone. */
export function commandWritesReport(command: string): boolean {
  return command.includes('{report}');
}

/** Where, inside the container, the command writes its Cucumber JSON; baleen copies it out afterwards. */
export const DEFAULT_REPORT_PATH = '/tmp/baleen/cucumber-report.json';

/**
 * `node.labels.pool==ci`, `node.role!=manager`: one of the attributes Swarm knows, == or !=, a value. A typo in
 * the attribute would otherwise reach Swarm, which takes it and matches no node.
 */
export const PlacementConstraintSchema = z
  .string()
  .max(1024)
  .regex(
    /^\s*(node\.(id|hostname|role|platform\.os|platform\.arch)|(node|engine)\.labels\.[^\s=!]+)\s*(==|!=)\s*\S.*$/,
    'a placement constraint such as node.labels.pool==ci (node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.KEY or engine.labels.KEY, then == or !=, then a value)',
  );

/** A feature path cucumber-js can be given so that it reads exactly that file (see cucumberPathArgument). */
const FeaturePathSchema = z
  .string()
  .min(1)
  .max(4096)
  .superRefine((path, context) => {
    const argument = cucumberPathArgument(path);
    if (!argument.ok) context.addIssue({ code: 'custom', message: `${JSON.stringify(path)} cannot be run as is: ${argument.reason}; rename the file` });
  });

export const SplitChoiceSchema = z.enum(['feature', 'scenarios']);
export type SplitChoice = z.infer<typeof SplitChoiceSchema>;

/** What --split scenarios cannot do: pack batches, or hand a line to cucumber-js without `{file}` or on a path it globs. */
function splitProblems(spec: { batch?: unknown; command: string; features: readonly string[] }, context: z.RefinementCtx): void {
  if (spec.batch !== undefined) {
    context.addIssue({ code: 'custom', path: ['split'], message: '--split scenarios runs one scenario per container and --batch several features per container: use one of them' });
  }
  if (!/\{files?\}/.test(spec.command)) {
    context.addIssue({ code: 'custom', path: ['command'], message: '--split scenarios hands each scenario to the runner as path:line through {file}: put {file} in --command' });
  }
  for (const path of spec.features) {
    const argument = cucumberLineArgument(path, 1);
    if (!argument.ok && cucumberPathArgument(path).ok) {
      context.addIssue({ code: 'custom', path: ['features'], message: `${JSON.stringify(path)} cannot be split into scenarios: ${argument.reason}; rename the file or run it with --split feature` });
      return;
    }
  }
}

/** The image as a Docker image reference (see image-reference.ts); what is not one never reaches the engine. */
export const ImageSchema = z.string().superRefine((image, context) => {
  const parsed = parseImageReference(image);
  if (!parsed.ok) context.addIssue({ code: 'custom', message: `"${image.slice(0, 80)}" is ${parsed.reason}; expected ${IMAGE_REFERENCE_FORM}` });
});

const MAX_ENV_VARIABLES = 4096;

/**
 * The most features one run may have. A larger suite is refused with a clear error before anything starts;
 * split it across runs with --shard. The dispatcher's cost per queued job is constant, so this bounds the
 * submit message and the server's memory rather than its speed.
 */
export const MAX_FEATURES_PER_RUN = 100_000;
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

/**
 * What a client asks a server to run. It carries only names and text, never host paths to mount: the
 * image holds the suite, and feature paths are relative to the image's working directory.
 */
export const RunSpecSchema = z.strictObject({
  image: ImageSchema,
  features: z.array(FeaturePathSchema).min(1).max(MAX_FEATURES_PER_RUN, `more than ${MAX_FEATURES_PER_RUN} features in one run: split the suite with --shard`),
  /**
   * Per feature (a key is an entry of `features`), the lines of the scenarios it must run, as the client's
   * Gherkin parser found them: every scenario and Scenario Outline row it holds, or those a filter selects.
   * A feature passes only when its report has each of them, passed. A feature without an entry is judged by
   * its report alone (it must name the feature and hold a scenario of it).
   */
  expectedScenarioLines: z.record(z.string().max(4096), z.array(z.number().int().positive()).max(1_000_000)).default({}),
  /** A Cucumber tag expression (--tags), handed to the runner through the command's `{tags}`. */
  tags: z.string().min(1).max(4096).optional(),
  /** Each feature's predicted duration in ms, from the client's timing history: the dispatcher orders by it. */
  predictions: z.record(z.string().max(4096), z.number().nonnegative()).default({}),
  command: z.string().min(1).max(16_384).default(DEFAULT_COMMAND),
  reportPath: z.string().startsWith('/').max(4096).default(DEFAULT_REPORT_PATH),
  workDir: z.string().startsWith('/').max(4096).optional(),
  beforeCommand: z.string().min(1).max(16_384).optional(),
  env: z
    .record(envName, z.string().max(65_536))
    .refine((env) => Object.keys(env).length <= MAX_ENV_VARIABLES, `at most ${MAX_ENV_VARIABLES} environment variables`)
    .default({}),
  concurrency: z.number().int().min(1).max(1024),
  /** A failed or errored feature runs again in a fresh container, up to this many more times. */
  retries: z.number().int().min(0).max(100).default(0),
  /** After the first feature that fails for good, start nothing new and stop what runs. */
  failFast: z.boolean().default(false),
  /** Per feature: past this the container is stopped (grace period, then kill) and the feature is an error. */
  timeoutMs: z.number().int().positive().max(7 * 24 * 3600_000).optional(),
  /** Seconds between the stop signal and the kill, for timeouts (`--stop-grace`). */
  stopGraceSeconds: z.number().int().min(0).max(3600).default(10),
  /** Container memory limit in bytes (docker run --memory). */
  memoryBytes: z.number().int().min(6 * 1024 * 1024).optional(),
  /** CPU limit in billionths of a CPU (docker run --cpus 1.5 = 1_500_000_000). */
  nanoCpus: z.number().int().positive().optional(),
  /**
   * An existing network every container joins instead of the run's own (a suite that needs a database
   * container), or `none` for no network at all. Unset: a network of this run only.
   */
  network: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, 'a Docker network name (letters, digits, _ . -), or none')
    .optional(),
  /** Swarm placement constraints, as `docker service create --constraint` takes them. */
  constraints: z.array(PlacementConstraintSchema).max(64).default([]),
  /** Paths in the container (relative to its working directory) whose files come back with the report (--collect). */
  collect: z.array(z.string().min(1).max(4096).refine((path) => !path.includes('\0'), 'no NUL in a path')).max(64).default([]),
  /** At most this many bytes of collected files (as a tar archive) per feature; past it the rest is cut. */
  collectMaxBytes: z.number().int().positive().max(1024 * 1024 * 1024).default(32 * 1024 * 1024),
  /** --batch: several features per container, run by one invocation of the command (see batch/pack-batches.ts). */
  batch: BatchChoiceSchema.optional(),
  /**
   * --split: what one container runs. `feature` (the default): a feature file. `scenarios`: one scenario (one
   * Examples row of an outline) of it, `cucumber-js path:line`, each of `expectedScenarioLines` a job of its
   * own; the dispatcher puts each feature's scenarios back together into one result (see dispatcher/).
   */
  split: SplitChoiceSchema.default('feature'),
}).superRefine((spec, context) => {
  // A batch's features reach the command only through `{files}`; `{file}` names one feature.
  if (spec.batch !== undefined && !spec.command.includes('{files}')) {
    context.addIssue({ code: 'custom', path: ['command'], message: '--batch runs several features in one command: put {files} in --command where the feature paths go ({file} names one)' });
  }
  if (spec.split === 'scenarios') splitProblems(spec, context);
});
export type RunSpec = z.infer<typeof RunSpecSchema>;
