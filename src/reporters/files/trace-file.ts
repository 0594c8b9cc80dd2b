import type { AttemptPhase } from '../../domain/attempt-phases.js';
import type { FeatureResult } from '../../domain/feature-run.js';
import type { Phase } from '../../util/phase-clock.js';

/** What the client spent its time on, in order: see client/run-trace.ts. */
export const CLIENT_PHASES = [
  'load',
  'plan',
  'server',
  'connect',
  'accept',
  'probe',
  'run',
  'reports',
  'close',
] as const;
export type ClientPhaseName = (typeof CLIENT_PHASES)[number];
export type ClientPhase = Phase<ClientPhaseName>;

/** One event of the Trace Event Format (a complete event `X`, or a name `M`), as chrome://tracing and Perfetto read it. */
interface TraceEvent {
  name: string;
  cat?: string;
  ph: 'X' | 'M';
  /** Microseconds. */
  ts?: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, string | number>;
}

const CLIENT_PID = 1;
const SLOTS_PID = 2;

/**
 * `--trace FILE`: the run as a timeline in the Trace Event Format (open it in https://ui.perfetto.dev or
 * chrome://tracing). The client's phases on one track, then one track per slot of the server with each
 * attempt's container phases (create, attach, start, run, exit, collect, remove, …), every attempt of every
 * feature, retries and scenario jobs included: where a run's time goes beyond the engine's own.
 */
export function traceOf(client: readonly ClientPhase[], attempts: readonly FeatureResult[]): string {
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: CLIENT_PID, tid: 0, args: { name: 'client' } },
    { name: 'process_name', ph: 'M', pid: SLOTS_PID, tid: 0, args: { name: 'server slots' } },
    ...client.map((phase) => complete(phase.phase, 'client', phase, CLIENT_PID, 0)),
  ];
  const slots = new Set<number>();
  for (const attempt of attemptsOf(attempts)) {
    const tid = attempt.slot ?? 0;
    slots.add(tid);
    for (const phase of attempt.phases)
      events.push(complete(phase.phase, 'container', phase, SLOTS_PID, tid, attempt.args));
  }
  for (const slot of [...slots].sort((a, b) => a - b))
    events.push({ name: 'thread_name', ph: 'M', pid: SLOTS_PID, tid: slot, args: { name: `slot ${slot}` } });
  return JSON.stringify({ traceEvents: events, displayTimeUnit: 'ms' });
}

interface TracedAttempt {
  slot?: number;
  phases: readonly AttemptPhase[];
  args: Record<string, string | number>;
}

/** Every attempt that has phases: a split feature's scenario jobs one by one, a batch's container once. */
function attemptsOf(results: readonly FeatureResult[]): TracedAttempt[] {
  return results.flatMap((result): TracedAttempt[] => {
    if (result.scenarioJobs !== undefined)
      return result.scenarioJobs.flatMap((job) =>
        job.phases === undefined
          ? []
          : [
              {
                slot: job.slot,
                phases: job.phases,
                args: { feature: `${result.file}:${job.line}`, attempt: job.attempt },
              },
            ],
      );
    if (result.phases === undefined) return [];
    return [{ slot: result.slot, phases: result.phases, args: { feature: result.file, attempt: result.attempt } }];
  });
}

function complete(
  name: string,
  cat: string,
  phase: { at: number; ms: number },
  pid: number,
  tid: number,
  args?: Record<string, string | number>,
): TraceEvent {
  return {
    name,
    cat,
    ph: 'X',
    ts: Math.round(phase.at * 1000),
    dur: Math.round(phase.ms * 1000),
    pid,
    tid,
    ...(args ? { args } : {}),
  };
}
