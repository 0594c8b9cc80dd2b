import type { CucumberJson } from '../domain/cucumber-json.js';
import type { AttemptPhase } from '../domain/attempt-phases.js';
import type { CollectedArtifacts, FeatureResult, OutputTail, StopReason, StreamName } from '../domain/feature-run.js';
import { memberOutput } from '../batch/member-output.js';
import { commandWritesReport, type RunSpec } from '../domain/run-spec.js';
import type { ContainerExit } from '../runtime/container-runtime.js';
import { batchMembers, type BatchEvidence, type BatchMember } from './batch-members.js';
import { classifyOutcome } from './classify-outcome.js';

/**
 * Everything seen of one attempt, whatever ran it (a container of its own, a warm worker) or kept it from
 * running: the evidence the judge (classify-outcome.ts) rules on, and the rest of what its results carry.
 */
export interface AttemptRecord {
  /** The feature it ran, or with --batch the features one runner invocation ran together. */
  files: readonly string[];
  /** With --split scenarios: the line of the one scenario it ran, and the only one it is judged by. */
  line?: number;
  attempt: number;
  spec: RunSpec;
  /** Where its report comes from: the command's file at the spec's reportPath, or a warm worker's own. */
  reportSource?: 'command' | 'worker';
  /** When the attempt began (epoch ms); unset for one that never began. */
  startedAt?: number;
  exit?: ContainerExit;
  /** How the process that ran it exited, in words, when not as the command itself (a warm worker that ended). */
  exitedAs?: string;
  /** The code the --before-command failed with, if it did. */
  beforeCommandExit?: number;
  /** What the suite's support code failed to load with, on the warm worker that was to run it. */
  supportLoadError?: string;
  /** The host it ran on, when known (from its container's start or exit). */
  node?: string;
  report: CucumberJson | null;
  messages?: string;
  artifacts?: CollectedArtifacts;
  problem?: string;
  engineFailure: boolean;
  stopReason?: StopReason;
  /** When its command started and stopped running (epoch ms), if it ran. */
  runningAt?: number;
  endedAt?: number;
  stdout: OutputTail;
  stderr: OutputTail;
  /** Where its time went, phase by phase; unset for one that never began. */
  phases?: AttemptPhase[];
}

export const EMPTY_TAIL: OutputTail = { text: '', totalBytes: 0, truncatedBytes: 0 };

/**
 * The one builder of FeatureResults: one per feature of the attempt, each judged by the one verdict rule (a
 * batch's by its share of the batch's report: see batch-members.ts).
 */
export function featureResults(record: AttemptRecord): FeatureResult[] {
  const evidence: BatchEvidence = {
    exit: record.exit,
    report: record.report,
    problem: record.problem,
    stopReason: record.stopReason,
    stderrTail: record.stderr.text,
    // A warm worker writes its report to a file of its own, not named to the user.
    ...(record.reportSource === 'worker' ? {} : { reportPath: record.spec.reportPath }),
    ...(record.exitedAs === undefined ? {} : { exitedAs: record.exitedAs }),
    ...(record.beforeCommandExit === undefined ? {} : { beforeCommandExit: record.beforeCommandExit }),
    ...(record.supportLoadError === undefined ? {} : { supportLoadError: record.supportLoadError }),
    image: record.spec.image,
    // A warm worker writes each feature's report whatever its command says.
    reportExpected: record.reportSource === 'worker' || commandWritesReport(record.spec.command),
    strict: record.spec.strict,
  };
  const first = record.files[0]!;
  const durationMs = record.startedAt === undefined ? 0 : Date.now() - record.startedAt;
  const members: BatchMember[] =
    record.files.length === 1
      ? [
          {
            file: first,
            // A scenario job (--split scenarios) is judged by its one scenario.
            outcome: classifyOutcome({
              ...evidence,
              file: first,
              expectedLines: record.line === undefined ? record.spec.expectedScenarioLines[first] : [record.line],
            }),
            report: record.report,
            durationMs,
          },
        ]
      : batchMembers(record.files, evidence, record.spec.expectedScenarioLines, durationMs);
  const node = record.exit?.node ?? record.node;
  return members.map(({ file, outcome, report, durationMs: share }) => ({
    file,
    attempt: record.attempt,
    status: outcome.status,
    flaky: false,
    previousAttempts: [],
    exitCode: record.exit?.exitCode ?? null,
    durationMs: share,
    // A batch's output is every feature's of it: each keeps its own part, and a line saying what is not.
    stdout: memberTail('stdout', record, file),
    stderr: memberTail('stderr', record, file),
    cucumberJson: report,
    // A batch's messages hold every feature of it: they are kept for a feature that ran alone only.
    ...(record.messages === undefined || record.files.length > 1 ? {} : { cucumberMessages: record.messages }),
    // A batch's collected files are the batch's: they come back once, with its first feature.
    ...(record.artifacts === undefined ? {} : { artifacts: file === first ? record.artifacts : collectedWith(first) }),
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
    // An engine failure that a cancellation caused (a create interrupted mid-way) is not the engine's fault.
    engineFailure: record.engineFailure && outcome.status === 'error',
    ...(node === undefined ? {} : { node }),
    ...(record.runningAt === undefined ? {} : { containerStartedAt: record.runningAt }),
    ...(record.endedAt === undefined ? {} : { containerEndedAt: record.endedAt }),
    // A batch's container is its first feature's, as its output is.
    ...(file === first ? (record.phases === undefined ? {} : { phases: record.phases }) : { batchFirst: first }),
  }));
}

/** A feature's stream: the whole of it when the feature ran alone, its own part of a batch's otherwise. */
function memberTail(stream: StreamName, record: AttemptRecord, file: string): OutputTail {
  return record.files.length === 1
    ? record[stream]
    : memberOutput(stream, record[stream], file, record.files, record.attempt);
}

/** The collection of a batch's feature but its first: the batch's files are that first feature's. */
function collectedWith(first: string): CollectedArtifacts {
  return { files: [], note: `collected once for its batch: see ${first}'s files` };
}
