import { scenariosOf } from '../cucumber-json/scenarios.js';
import type { AttemptPhase } from '../domain/attempt-phases.js';
import type { FeatureResult } from '../domain/feature-run.js';
import { DEFAULT_COMMAND, type RunSpec, workerIsolationConflicts } from '../domain/run-spec.js';
import { formatDuration } from '../util/text.js';

/** Past this share of their time spent starting, a run's containers were mostly start-up: worth a line. */
const MOSTLY_STARTING = 0.5;

/** What the containers of a run spent starting, from their phases and reports. */
export interface StartupShare {
  containers: number;
  /** Each container's time on average, from its create to its removal (ms). */
  averageMs: number;
  /** Of that, starting: the engine's calls and what the command did before and after its scenarios (ms). */
  startingMs: number;
  /** Every container's scenarios, steps and hooks, summed (ms): the work no isolation mode saves. */
  executingMs: number;
}

/**
 * A container's time beyond its scenarios is start-up: the engine's create, attach, start, exit and removal,
 * and, in the command's run, Node, cucumber-js and the support code loading (its report tells the scenarios'
 * own time). Only containers that ran and reported count.
 */
export function startupShare(results: readonly FeatureResult[]): StartupShare | undefined {
  let containers = 0;
  let totalMs = 0;
  let executingMs = 0;
  for (const result of results) {
    if (result.phases === undefined || result.cucumberJson === null) continue;
    const spent = containerMs(result.phases);
    const scenariosMs = scenariosOf(result.cucumberJson).reduce((sum, scenario) => sum + scenario.durationSeconds, 0);
    containers++;
    totalMs += spent;
    executingMs += Math.min(spent, scenariosMs * 1000);
  }
  if (containers === 0) return undefined;
  return {
    containers,
    averageMs: totalMs / containers,
    startingMs: (totalMs - executingMs) / containers,
    executingMs,
  };
}

/** A container's own time: waiting for its slot or for the run's network is not its cost. */
function containerMs(phases: readonly AttemptPhase[]): number {
  return phases
    .filter((phase) => phase.phase !== 'ready' && phase.phase !== 'network')
    .reduce((sum, phase) => sum + phase.ms, 0);
}

/**
 * After a run whose containers spent most of their time starting, one line naming the mode that starts fewer
 * (warm workers: one per slot; else batches) and about how long the run would have taken with it: each slot
 * starting once, then running its share of the scenarios. Nothing for a run that already starts few, or
 * whose slots each ran one container (no mode starts fewer).
 */
export function startupAdvice(results: readonly FeatureResult[], spec: RunSpec, runMs: number): string | undefined {
  if (spec.isolation === 'worker' || spec.batch !== undefined || spec.split === 'scenarios') return undefined;
  const share = startupShare(results);
  if (share === undefined || share.containers <= spec.concurrency) return undefined;
  if (share.startingMs / share.averageMs < MOSTLY_STARTING) return undefined;
  const estimateMs = share.startingMs + share.executingMs / spec.concurrency;
  if (estimateMs >= runMs) return undefined;
  const mode = fasterMode(spec);
  if (mode === undefined) return undefined;
  const percent = Math.round((100 * share.startingMs) / share.averageMs);
  return `its containers spent ${percent}% of their time starting (${formatDuration(share.startingMs)} of ${formatDuration(share.averageMs)} each, on average): ${mode} would take about ${formatDuration(estimateMs)} instead of ${formatDuration(runMs)} here (see docs/isolation.md)`;
}

/** Warm workers when the run allows them, else batches when its command can run several features. */
function fasterMode(spec: RunSpec): string | undefined {
  if (workerIsolationConflicts({ ...spec, batch: undefined }).length === 0)
    return '--isolation worker (one warm container per slot)';
  if (spec.command === DEFAULT_COMMAND || spec.command.includes('{files}'))
    return '--batch auto (one container per batch)';
  return undefined;
}
