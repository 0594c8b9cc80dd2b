/**
 * One unit of work the dispatcher queues and admits: one attempt of one feature of one run. A retry is a new
 * job (the next attempt) in a fresh container.
 */
export interface Job {
  readonly runId: string;
  readonly file: string;
  /** 1 for the first run, 2 for the first retry, … */
  readonly attempt: number;
}
