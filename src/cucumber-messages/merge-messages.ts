/**
 * One stream of Cucumber Messages for the whole run, from each feature's own: every feature's container ran
 * its own cucumber, so each stream opens with a meta and a testRunStarted and ends with a testRunFinished.
 * The merged stream keeps the first meta and testRunStarted, every feature's documents, pickles, definitions
 * and results (cucumber's ids are UUIDs, so they do not collide), and one testRunFinished that succeeds only
 * when every feature's did, at the latest time. Given the run's clock, it starts and ends when the run did.
 */
export function mergeMessages(streams: readonly string[], clock?: RunClock): string {
  return mergeEnvelopes(streams.map(envelopesOf), clock);
}

/** The run's own start and wall time: the merged stream then starts and ends as the run did (see run-clock.ts). */
export interface RunClock {
  startedAt: Date;
  durationMs: number;
}

const timestampOf = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) });

type Envelope = Record<string, unknown>;

/** Each line of NDJSON as an envelope, as it came: what is merged is passed on untouched. */
export const envelopesOf = (stream: string): Envelope[] =>
  stream
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Envelope);

/** mergeMessages on streams already read (see mergeScenarioStreams), so that none is written and read again. */
export function mergeEnvelopes(streams: readonly Envelope[][], clock?: RunClock): string {
  const all = streams.flat();
  const meta = all.find((envelope) => 'meta' in envelope);
  const started = all.find((envelope) => 'testRunStarted' in envelope);
  const finished = all.flatMap((envelope) =>
    'testRunFinished' in envelope
      ? [envelope.testRunFinished as { success?: boolean; timestamp?: { seconds: number; nanos: number } }]
      : [],
  );
  const body = all.filter(
    (envelope) => !('meta' in envelope) && !('testRunStarted' in envelope) && !('testRunFinished' in envelope),
  );
  // Each feature's cucumber timed only itself; with the run's clock, the stream spans the whole run.
  const latest = clock
    ? timestampOf(clock.startedAt.getTime() + clock.durationMs)
    : finished
        .map((end) => end.timestamp)
        .filter((time) => time !== undefined)
        .sort((a, b) => b.seconds - a.seconds || b.nanos - a.nanos)[0];
  const start =
    started && clock
      ? {
          ...started,
          testRunStarted: { ...(started.testRunStarted as object), timestamp: timestampOf(clock.startedAt.getTime()) },
        }
      : started;
  const end = {
    testRunFinished: {
      ...(finished[0] ?? {}),
      // A feature that reported no testRunFinished did not finish: the run did not succeed.
      success: finished.length === streams.length && finished.every((entry) => entry.success === true),
      ...(latest === undefined ? {} : { timestamp: latest }),
    },
  };
  const merged = [...(meta ? [meta] : []), ...(start ? [start] : []), ...body, ...(streams.length > 0 ? [end] : [])];
  return merged.map((envelope) => `${JSON.stringify(envelope)}\n`).join('');
}
