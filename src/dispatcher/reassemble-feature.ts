import { OUTPUT_TAIL_BYTES } from '../attempt/attempt.js';
import { reportCoverageProblem } from '../attempt/report-coverage.js';
import { sameFile } from '../batch/split-report.js';
import type { CucumberElement, CucumberFeature, CucumberJson } from '../domain/cucumber-json.js';
import { mergeScenarioStreams } from '../cucumber-messages/merge-scenario-streams.js';
import type {
  CollectedArtifacts,
  FeatureResult,
  FeatureStatus,
  OutputTail,
  ScenarioJob,
} from '../domain/feature-run.js';
import { OutputTailBuffer } from '../util/output-tail.js';
import { scenarioName } from '../domain/job.js';

/** A scenario job's final result (its retries done), by the line it ran. */
export interface ScenarioOutcome {
  line: number;
  result: FeatureResult;
}

/**
 * Which scenario's status a feature takes, the worst first: a scenario that failed is a test failure whatever
 * happened to the others; then one baleen could not run; then a stopped run's; a feature is passed only when
 * every scenario is.
 */
const PRECEDENCE: readonly FeatureStatus[] = ['failed', 'error', 'cancelled', 'skipped', 'passed'];

/**
 * One feature's result put back together from its scenario jobs (--split scenarios), so that every report
 * shows it as one feature, as when one container ran it:
 *
 * - status: the worst of its scenarios' (see PRECEDENCE); passed only when every scenario passed, and then
 *   only if the merged report still shows each expected line ran and passed (the same rule each job was
 *   judged by); error and errorLine from the first scenario of that status, naming its line;
 * - cucumberJson: one feature entry holding every scenario's elements in file order (a Background element of
 *   Cucumber-JVM's layout stays before its scenario); cucumberMessages: the scenarios' streams as one, the
 *   feature's document and pickles once (see mergeScenarioStreams);
 * - attempt: the highest of its scenarios', flaky when it passed after a scenario was retried, and
 *   previousAttempts every scenario's earlier attempts, each error naming its line;
 * - durationMs: the sum of the scenarios' (the work it took, as the timing history wants it);
 *   containerStartedAt and containerEndedAt: the first start and the last end; each job's slot is in
 *   scenarioJobs, with its times and node;
 * - stdout and stderr: each scenario's, in file order, under a `── path:line ──` header, each cut to its
 *   share of OUTPUT_TAIL_BYTES (see heldForReassembly); collected files under `line-N/`, so that two containers' files of the same name stay apart.
 */
export function reassembleFeature(
  file: string,
  outcomes: readonly ScenarioOutcome[],
  expectedLines: readonly number[],
): FeatureResult {
  const scenarios = [...outcomes].sort((a, b) => a.line - b.line);
  const worst = PRECEDENCE.find((status) => scenarios.some(({ result }) => result.status === status)) ?? 'passed';
  const cucumberJson = mergedReport(file, scenarios);
  const messages = scenarios.flatMap(({ result }) =>
    result.cucumberMessages === undefined ? [] : [result.cucumberMessages],
  );
  const artifacts = mergedArtifacts(scenarios);
  const starts = scenarios.flatMap(({ result }) =>
    result.containerStartedAt === undefined ? [] : [result.containerStartedAt],
  );
  const ends = scenarios.flatMap(({ result }) =>
    result.containerEndedAt === undefined ? [] : [result.containerEndedAt],
  );
  const nodes = new Set(scenarios.flatMap(({ result }) => (result.node === undefined ? [] : [result.node])));
  const verdict =
    worst === 'passed' ? passedVerdict(file, cucumberJson, expectedLines) : failedVerdict(file, worst, scenarios);
  return {
    file,
    attempt: Math.max(1, ...scenarios.map(({ result }) => result.attempt)),
    status: verdict.status,
    flaky: verdict.status === 'passed' && scenarios.some(({ result }) => result.flaky),
    previousAttempts: scenarios.flatMap(({ line, result }) =>
      result.previousAttempts.map((attempt) => ({
        ...attempt,
        ...(attempt.error === undefined ? {} : { error: `line ${line}: ${attempt.error}` }),
      })),
    ),
    exitCode: verdict.exitCode,
    durationMs: scenarios.reduce((sum, { result }) => sum + result.durationMs, 0),
    stdout: joinedOutput(file, scenarios, 'stdout'),
    stderr: joinedOutput(file, scenarios, 'stderr'),
    cucumberJson,
    ...(messages.length === 0 ? {} : { cucumberMessages: mergeScenarioStreams(messages) }),
    ...(artifacts === undefined ? {} : { artifacts }),
    ...(verdict.error === undefined ? {} : { error: verdict.error }),
    ...(verdict.errorLine === undefined ? {} : { errorLine: verdict.errorLine }),
    engineFailure: scenarios.some(({ result }) => result.engineFailure),
    ...(nodes.size === 1 ? { node: [...nodes][0]! } : {}),
    ...(starts.length === 0 ? {} : { containerStartedAt: Math.min(...starts) }),
    ...(ends.length === 0 ? {} : { containerEndedAt: Math.max(...ends) }),
    scenarioJobs: scenarios.map(scenarioJobOf),
  };
}

interface Verdict {
  status: FeatureStatus;
  exitCode: number | null;
  error?: string;
  errorLine?: number;
}

/** Every scenario passed; the merged report must still show each expected line ran and passed. */
function passedVerdict(file: string, report: CucumberJson | null, expectedLines: readonly number[]): Verdict {
  // A command judged by its exit code alone writes no report: its scenarios passed by their exit codes.
  if (report === null) return { status: 'passed', exitCode: 0 };
  const problem = reportCoverageProblem(report, file, expectedLines);
  return problem === undefined ? { status: 'passed', exitCode: 0 } : { status: 'error', exitCode: 0, error: problem };
}

/** The first scenario of the worst status speaks for the feature; the others of that status are counted. */
function failedVerdict(file: string, worst: FeatureStatus, scenarios: readonly ScenarioOutcome[]): Verdict {
  const unsuccessful = scenarios.filter(({ result }) => result.status === worst);
  const first = unsuccessful[0]!;
  const others = unsuccessful.length - 1;
  const more =
    others === 0
      ? ''
      : ` (and ${others} more ${worst}: line ${unsuccessful
          .slice(1)
          .map(({ line }) => line)
          .join(', ')})`;
  return {
    status: worst,
    exitCode: first.result.exitCode,
    error: `${scenarioName(file, first.line)}: ${first.result.error ?? worst}${more}`,
    errorLine: first.result.errorLine ?? first.line,
  };
}

/**
 * One entry for the feature with every scenario's elements in file order; null when no scenario wrote a
 * report. Entries naming another file (a command that ran more than it was given) are kept after it.
 */
function mergedReport(file: string, scenarios: readonly ScenarioOutcome[]): CucumberJson | null {
  const reports = scenarios.flatMap(({ result }) => (result.cucumberJson === null ? [] : [result.cucumberJson]));
  if (reports.length === 0) return null;
  const entries = reports.flat();
  const own = entries.filter((entry) => entry.uri !== undefined && sameFile(entry.uri) === sameFile(file));
  const others = entries.filter((entry) => !own.includes(entry));
  if (own.length === 0) return others;
  const groups = own.flatMap(scenarioGroups).sort((a, b) => a.line - b.line);
  const feature: CucumberFeature = { ...own[0]!, elements: groups.flatMap((group) => group.elements) };
  return [feature, ...others];
}

/** A feature entry's elements, each scenario with the Background elements written just before it. */
function scenarioGroups(entry: CucumberFeature): { line: number; elements: CucumberElement[] }[] {
  const groups: { line: number; elements: CucumberElement[] }[] = [];
  let pending: CucumberElement[] = [];
  for (const element of entry.elements ?? []) {
    pending.push(element);
    if (element.type === 'background') continue;
    groups.push({ line: element.line ?? 0, elements: pending });
    pending = [];
  }
  if (pending.length > 0) groups.push({ line: Number.MAX_SAFE_INTEGER, elements: pending });
  return groups;
}

/** The least of each scenario's output a held result keeps, however many scenarios its feature has. */
const MIN_SHARE_BYTES = 1024;

/**
 * A scenario's final result as the dispatcher holds it until its feature's other scenarios have theirs: its
 * stdout and stderr cut to its share of the feature's tail (OUTPUT_TAIL_BYTES over `scenarios`, at least
 * MIN_SHARE_BYTES), so that a feature of many chatty scenarios costs the server one feature's tail, not one
 * per scenario (the client's logs/ has each scenario's whole output).
 */
export function heldForReassembly(result: FeatureResult, scenarios: number): FeatureResult {
  const share = Math.max(MIN_SHARE_BYTES, Math.floor(OUTPUT_TAIL_BYTES / Math.max(1, scenarios)));
  return { ...result, stdout: cutTo(result.stdout, share), stderr: cutTo(result.stderr, share) };
}

function cutTo(tail: OutputTail, bytes: number): OutputTail {
  if (Buffer.byteLength(tail.text) <= bytes) return tail;
  const buffer = new OutputTailBuffer(bytes);
  buffer.push(Buffer.from(tail.text));
  const kept = buffer.toTail();
  return { text: kept.text, totalBytes: tail.totalBytes, truncatedBytes: tail.truncatedBytes + kept.truncatedBytes };
}

/** Each scenario's tail under its header, in file order; what each had cut already counts as cut from the whole. */
function joinedOutput(file: string, scenarios: readonly ScenarioOutcome[], stream: 'stdout' | 'stderr'): OutputTail {
  const parts = scenarios.flatMap(({ line, result }) => {
    const tail = result[stream];
    if (tail.totalBytes === 0) return [];
    return [
      {
        header: `── ${scenarioName(file, line)} ──\n`,
        text: tail.text.endsWith('\n') || tail.text === '' ? tail.text : `${tail.text}\n`,
        cut: tail.truncatedBytes,
      },
    ];
  });
  // Held tails are within their shares (heldForReassembly): the headers come on top of the one feature's tail.
  const buffer = new OutputTailBuffer(
    OUTPUT_TAIL_BYTES + parts.reduce((sum, part) => sum + Buffer.byteLength(part.header), 0),
  );
  for (const part of parts) buffer.push(Buffer.from(part.header + part.text));
  const cutBefore = parts.reduce((sum, part) => sum + part.cut, 0);
  const joined = buffer.toTail();
  return { ...joined, totalBytes: joined.totalBytes + cutBefore, truncatedBytes: joined.truncatedBytes + cutBefore };
}

function mergedArtifacts(scenarios: readonly ScenarioOutcome[]): CollectedArtifacts | undefined {
  const collected = scenarios.filter(({ result }) => result.artifacts !== undefined);
  if (collected.length === 0) return undefined;
  const files = collected.flatMap(({ line, result }) =>
    result.artifacts!.files.map((artifact) => ({ ...artifact, path: `line-${line}/${artifact.path}` })),
  );
  const notes = collected.flatMap(({ line, result }) =>
    result.artifacts!.note === undefined ? [] : [`line ${line}: ${result.artifacts!.note}`],
  );
  return { files, ...(notes.length === 0 ? {} : { note: notes.join('; ').slice(0, 4096) }) };
}

function scenarioJobOf({ line, result }: ScenarioOutcome): ScenarioJob {
  return {
    line,
    attempt: result.attempt,
    status: result.status,
    flaky: result.flaky,
    previousAttempts: result.previousAttempts,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    ...(result.error === undefined ? {} : { error: result.error }),
    ...(result.node === undefined ? {} : { node: result.node }),
    ...(result.containerStartedAt === undefined ? {} : { containerStartedAt: result.containerStartedAt }),
    ...(result.containerEndedAt === undefined ? {} : { containerEndedAt: result.containerEndedAt }),
    ...(result.slot === undefined ? {} : { slot: result.slot }),
    ...(result.phases === undefined ? {} : { phases: result.phases }),
  };
}
