/**
 * One unit of work the dispatcher queues and admits: one attempt of the features one container runs. That is
 * one feature file, or with --batch several run by one runner invocation. A retry is a new job (the next
 * attempt) of one feature, in a fresh container of its own.
 */
export interface Job {
  readonly runId: string;
  /** The features it runs, in the order the runner is given them; at least one. */
  readonly files: readonly string[];
  /** 1 for the first run, 2 for the first retry, … */
  readonly attempt: number;
}
