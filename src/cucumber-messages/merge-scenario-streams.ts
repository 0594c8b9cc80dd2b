import { envelopesOf, mergeEnvelopes } from './merge-messages.js';

type Envelope = Record<string, unknown>;
interface PickleStep {
  id: string;
}
interface Pickle {
  id: string;
  uri?: string;
  location?: { line?: number };
  steps?: PickleStep[];
}
interface TestCase {
  pickleId?: string;
  testSteps?: { pickleStepId?: string }[];
}

/**
 * One feature's Cucumber Messages from the streams of its scenario jobs (--split scenarios). Each job's
 * cucumber parsed the whole feature file, so each stream holds the feature's source, gherkinDocument and every
 * pickle again, under ids of its own (UUIDs), and the test cases of its one scenario. The first stream's
 * source, document and pickles stand for all: the other streams' are dropped, and their test cases point at
 * the first stream's pickle of the same uri and line (its steps by position), so the feature shows once, each
 * scenario with its own result. Everything else (step definitions, hooks, results, attachments) keeps its
 * ids. A stream whose pickles the first does not all match (another version of the file) is kept whole.
 * Then the streams are one run's (see mergeMessages).
 */
export function mergeScenarioStreams(streams: readonly string[]): string {
  const [first, ...rest] = streams.map(envelopesOf);
  if (first === undefined) return '';
  const standing = new Map<string, Pickle>();
  for (const envelope of first) {
    const pickle = envelope.pickle as Pickle | undefined;
    if (pickle?.uri !== undefined && pickle.location?.line !== undefined)
      standing.set(keyOf(pickle.uri, pickle.location.line), pickle);
  }
  const uris = new Set([...standing.values()].map((pickle) => pickle.uri));
  return mergeEnvelopes([first, ...rest.map((stream) => pointedAt(stream, standing, uris))]);
}

/** A later stream, its feature's document and pickles dropped and its test cases pointed at the first stream's pickles. */
function pointedAt(
  stream: Envelope[],
  standing: ReadonlyMap<string, Pickle>,
  uris: ReadonlySet<string | undefined>,
): Envelope[] {
  const ids = new Map<string, string>();
  for (const envelope of stream) {
    const pickle = envelope.pickle as Pickle | undefined;
    if (pickle === undefined || !uris.has(pickle.uri)) continue;
    const match =
      pickle.location?.line === undefined ? undefined : standing.get(keyOf(pickle.uri!, pickle.location.line));
    if (match === undefined || (match.steps ?? []).length !== (pickle.steps ?? []).length) return stream;
    ids.set(pickle.id, match.id);
    for (const [index, step] of (pickle.steps ?? []).entries()) ids.set(step.id, match.steps![index]!.id);
  }
  return stream.flatMap((envelope): Envelope[] => {
    if (ownedByFeature(envelope, uris)) return [];
    const testCase = envelope.testCase as TestCase | undefined;
    if (testCase === undefined) return [envelope];
    const to = (id: string | undefined) => (id === undefined ? undefined : (ids.get(id) ?? id));
    return [
      {
        ...envelope,
        testCase: {
          ...testCase,
          pickleId: to(testCase.pickleId),
          testSteps: testCase.testSteps?.map((step) =>
            step.pickleStepId === undefined ? step : { ...step, pickleStepId: to(step.pickleStepId) },
          ),
        },
      },
    ];
  });
}

/** The feature's source, document or a pickle of it: what the first stream already holds. */
function ownedByFeature(envelope: Envelope, uris: ReadonlySet<string | undefined>): boolean {
  for (const kind of ['source', 'gherkinDocument', 'pickle'] as const) {
    const message = envelope[kind] as { uri?: string } | undefined;
    if (message !== undefined && uris.has(message.uri)) return true;
  }
  return false;
}

const keyOf = (uri: string, line: number) => `${uri}\0${line}`;
