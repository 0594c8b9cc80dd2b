import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FeatureResultSchema, RunStatusSchema } from '../../domain/feature-run.js';
import type { RunInfo, RunOutcome } from '../../domain/run-outcome.js';
import { ShardRecordSchema } from '../../domain/shard-plan.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';
import { BaleenError } from '../../errors/baleen-error.js';
import { parseJsonOrUndefined } from '../../util/parse-json.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import type { Reporter } from '../reporter.js';

const RESULTS_JSON_FILE = REPORT_FILES.results.name;

/** The whole outcome as data, so that another process (`baleen merge`) can rebuild every report from it. */
const ResultsFileSchema = z.strictObject({
  // 2 added a result's `node`, 3 the run's `cpus`, 4 a result's `phases` and a shard's `plan`; older files (without them)
  // are read as they are.
  version: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  info: z.strictObject({
    runId: z.string(),
    image: z.string(),
    features: z.array(z.string()),
    concurrency: z.number(),
    cpus: z.number().int().positive().optional(),
    startedAt: z.iso.datetime(),
    expectedMs: z.number().optional(),
    shard: ShardRecordSchema.optional(),
    judgedByExitCodeAlone: z.boolean().optional(),
    scenarioJobs: z.record(z.string(), z.number().int().nonnegative()).optional(),
    notes: z.array(z.string()).optional(),
    probeMs: z.number().nonnegative().optional(),
  }),
  status: RunStatusSchema,
  durationMs: z.number(),
  results: z.array(FeatureResultSchema),
  unfinished: z.array(z.string()),
});

/**
 * The compiler's check that the file holds every field of a run's info (but where its reports went): a field
 * added to RunInfo and not here made every results.json unreadable to `baleen merge` (the probe's `probeMs`).
 */
type UnreadInfo = Exclude<Exclude<keyof RunInfo, 'reportDir'>, keyof z.infer<typeof ResultsFileSchema>['info']>;
const everyInfoFieldIsRead: [UnreadInfo] extends [never] ? true : UnreadInfo = true;
void everyInfoFieldIsRead;

/** results.json: every feature's full result (tails of its output, its Cucumber JSON), for tools and merging. */
export class ResultsJsonReporter implements Reporter {
  readonly name = RESULTS_JSON_FILE;

  async onEnd(outcome: RunOutcome): Promise<void> {
    const { reportDir: _local, ...info } = outcome.info;
    const file = { version: 4, ...outcome, info: { ...info, startedAt: info.startedAt.toISOString() } };
    await writeFileAtomic(join(outcome.info.reportDir, RESULTS_JSON_FILE), JSON.stringify(file));
  }
}

/** Reads a report dir's results.json back into an outcome whose reports go to `reportDir`. */
export async function readResults(dir: string, reportDir: string): Promise<RunOutcome> {
  const path = join(dir, RESULTS_JSON_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new BaleenError('USAGE', `${dir} has no ${RESULTS_JSON_FILE}`, {
      hint: 'name report dirs written by baleen 0.1 or later (--report-dir)',
    });
  }
  const parsed = ResultsFileSchema.safeParse(parseJsonOrUndefined(text));
  if (!parsed.success)
    throw new BaleenError('USAGE', `${path} is not a baleen results file`, {
      hint: 'was it written by another baleen version?',
    });
  const { version: _version, info, ...rest } = parsed.data;
  return { ...rest, info: { ...info, startedAt: new Date(info.startedAt), reportDir } };
}
