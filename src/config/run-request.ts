import type { BatchChoice } from '../batch/batch-choice.js';
import { availableParallelism } from 'node:os';
import type { Verbosity } from '../reporters/console/console-reporter.js';
import type { EngineChoice } from '../runtime/create-runtime.js';

/** Everything the client needs to run a suite, whichever way it was asked for (flags or a project file). */
export interface RunRequest {
  image: string;
  files: string[];
  command?: string;
  workDir?: string;
  beforeCommand?: string;
  env: Record<string, string>;
  concurrency: number;
  timeoutMs?: number;
  retries?: number;
  failFast?: boolean;
  /** --batch: several features per container (see batch/pack-batches.ts). */
  batch?: BatchChoice;
  memoryBytes?: number;
  nanoCpus?: number;
  /** Swarm placement constraints for every feature's container. */
  constraints: string[];
  /** A Cucumber tag expression: only the scenarios it selects run, and a feature with none starts no container. */
  tags?: string;
  /** An existing network to join, or `none`; unset, the run gets a network of its own. */
  network?: string;
  /** Seconds between the stop signal and the kill (default 10). */
  stopGraceSeconds?: number;
  /** Paths in the container whose files come back into the report dir's artifacts/ (--collect). */
  collect?: string[];
  collectMaxBytes?: number;
  reportDir: string;
  /** The timing history file (default .baleen/timings.json). */
  timingsFile: string;
  shard?: { index: number; total: number };
  /** A running baleen server; without one, an embedded server starts in-process, on `engine`. */
  server?: string;
  engine: EngineChoice;
  token?: string;
  verbosity: Verbosity;
}

export const DEFAULT_REPORT_DIR = 'baleen-report';

export function defaultConcurrency(): number {
  return availableParallelism();
}
