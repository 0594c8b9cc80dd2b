import { RunIdSchema } from '../../domain/stored-run.js';

/** What a run id a client wrote names: one run, none, or several (a prefix too short to tell them apart). */
export type RunLookup =
  | { kind: 'found'; runId: string }
  | { kind: 'none'; message: string }
  | { kind: 'ambiguous'; message: string; candidates: string[] };

/** As git takes a commit's: a run id's first characters name it, from this many on. */
export const MIN_PREFIX = 4;

/**
 * Finds the run a client named: its whole id, or a prefix of at least MIN_PREFIX characters that only one of
 * the `known` runs (those the server has, in memory or stored) starts with.
 */
export async function lookUpRun(reference: string, known: () => Promise<Iterable<string>>): Promise<RunLookup> {
  const wanted = reference.toLowerCase();
  // A whole id needs no list of the runs (a client polling a run asks for it by its id).
  if (RunIdSchema.safeParse(wanted).success) return { kind: 'found', runId: wanted };
  if (!/^[0-9a-f-]+$/.test(wanted))
    return { kind: 'none', message: `${JSON.stringify(reference)} is not a run id (a UUID, or its first characters)` };
  if (wanted.length < MIN_PREFIX)
    return { kind: 'none', message: `run id prefix ${reference} is too short: give at least ${MIN_PREFIX} characters` };
  const candidates = [...new Set(await known())].filter((runId) => runId.startsWith(wanted)).sort();
  if (candidates.length === 1) return { kind: 'found', runId: candidates[0]! };
  if (candidates.length === 0) return { kind: 'none', message: `no run ${reference}` };
  return {
    kind: 'ambiguous',
    message: `run id prefix ${reference} matches ${candidates.length} runs: ${candidates.join(', ')}`,
    candidates,
  };
}
