/**
 * One unit of work the dispatcher queues and admits: one attempt of what one container runs. That is one
 * feature file; with --batch several run by one runner invocation; with --split scenarios one scenario of a
 * feature (one Scenario, or one Examples row of an outline), selected by its line. A retry is a new job (the
 * next attempt) of one feature, or of one scenario, in a fresh container of its own.
 */
export interface Job {
  readonly runId: string;
  /** The features it runs, in the order the runner is given them; at least one (exactly one with `line`). */
  readonly files: readonly string[];
  /** With --split scenarios: the line of the one scenario of `files[0]` it runs (`cucumber-js path:line`). */
  readonly line?: number;
  /** 1 for the first run, 2 for the first retry, … */
  readonly attempt: number;
}

/** Predicted durations in milliseconds, by work name (a feature's path, a scenario's `path:line`): what the client's timing history says. */
export type Predictions = Readonly<Record<string, number>>;

/** What a job runs, without its attempt: the unit the order strategy and the timing history know. */
export type JobWork = Pick<Job, 'files' | 'line'>;

/**
 * The name of a scenario of a feature, `path:line`, as cucumber-js selects it: the key of its predictions and
 * timing history, and the name its container's states and output are reported under. A feature path never
 * ends in `:NUMBER` (the run spec refuses such paths), so the name is never ambiguous.
 */
export function scenarioName(file: string, line: number): string {
  return `${file}:${line}`;
}

/** A work name taken apart: a scenario's (`path:line`) into its feature and line; a feature's is its path. */
export function parseWorkName(name: string): { file: string; line?: number } {
  const match = /^(.*):(\d+)$/.exec(name);
  return match ? { file: match[1]!, line: Number(match[2]) } : { file: name };
}

/** The names a job's predictions go by: each of its features' paths, or its one scenario's `path:line`. */
export function workNames(work: JobWork): readonly string[] {
  return work.line === undefined ? work.files : [scenarioName(work.files[0]!, work.line)];
}

/** The name a job's work is known by: its feature's path, its scenario's `path:line`, or a batch's first path. */
export function workName(work: JobWork): string {
  return workNames(work)[0]!;
}
