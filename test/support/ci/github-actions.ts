import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { checkout, type CiStore, runCommand, TOOLING_INSTALL, type CommandResult } from './ci-workspace.js';

/**
 * Runs a GitHub Actions workflow's jobs the way a runner would, on this machine: each job (each matrix entry)
 * in a fresh checkout, its `run:` steps in `bash -e`, the actions it uses played by what they do to the files
 * (cache, artifacts), `if:` and `needs:` honoured. Only the expressions and actions the workflow uses are known:
 * anything else fails the test, so the emulation cannot silently drift from the file.
 */

const Step = z.strictObject({
  name: z.string().optional(),
  id: z.string().optional(),
  if: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
type Step = z.infer<typeof Step>;

const Job = z.looseObject({
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  if: z.string().optional(),
  strategy: z.looseObject({ matrix: z.looseObject({ shard: z.array(z.number()) }) }).optional(),
  steps: z.array(Step),
});
const Workflow = z.looseObject({ jobs: z.record(z.string(), Job) });

export interface JobRun {
  job: string;
  matrix?: { shard: number };
  workspace: string;
  steps: CommandResult[];
  failed: boolean;
}

/** Called before each job (each matrix entry) starts: what else happens in the store meanwhile (another pipeline's cache). */
export type BeforeJob = (job: string, matrix?: { shard: number }) => Promise<void>;

export async function runGithubWorkflow(
  project: string,
  workflowPath: string,
  store: CiStore,
  runId: string,
  beforeJob: BeforeJob = async () => {},
): Promise<JobRun[]> {
  const workflow = Workflow.parse(parse(await readFile(join(project, workflowPath), 'utf8')));
  const runs: JobRun[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const needs = [job.needs ?? []].flat();
    const needsFailed = runs.some((run) => needs.includes(run.job) && run.failed);
    if (needsFailed && !alwaysish(job.if)) continue;
    const entries = job.strategy ? job.strategy.matrix.shard.map((shard) => ({ shard })) : [undefined];
    for (const matrix of entries) {
      const context = {
        'matrix.shard': String(matrix?.shard ?? ''),
        'strategy.job-total': String(entries.length),
        'github.run_id': runId,
      };
      await beforeJob(name, matrix);
      runs.push(await runJob(name, job.steps, project, store, context, matrix));
    }
  }
  return runs;
}

async function runJob(
  job: string,
  steps: Step[],
  project: string,
  store: CiStore,
  context: Record<string, string>,
  matrix?: { shard: number },
): Promise<JobRun> {
  const workspace = await checkout(project);
  const run: JobRun = { job, workspace, steps: [], failed: false, ...(matrix ? { matrix } : {}) };
  for (const step of steps) {
    // Without `if:`, a step runs only while the job has not failed (GitHub's `success()`).
    if (run.failed && !alwaysish(step.if)) continue;
    if (step.run !== undefined) {
      const command = expand(step.run, context);
      if (TOOLING_INSTALL.test(command)) continue;
      const result = await runCommand(command, ['bash', '-e', '-c'], workspace, {});
      run.steps.push(result);
      if (result.code !== 0) run.failed = true;
    } else {
      await useAction(step, workspace, store, context);
    }
  }
  return run;
}

/** What each action the workflow uses does to the job's files. */
async function useAction(
  step: Step,
  workspace: string,
  store: CiStore,
  context: Record<string, string>,
): Promise<void> {
  const input = (key: string) => expand(String(step.with?.[key] ?? ''), context);
  const action = step.uses!.replace(/@.*$/, '');
  switch (action) {
    case 'actions/checkout':
    case 'actions/setup-node':
      return;
    case 'actions/cache/restore': {
      // The exact key, else the newest entry whose key starts with a restore key.
      const keys = [
        input('key'),
        ...(await store.names('cache')).filter((key) => key.startsWith(input('restore-keys'))).reverse(),
      ];
      for (const key of keys) if (await store.restore('cache', key, workspace)) return;
      return;
    }
    case 'actions/cache/save':
      // A cache entry is immutable: a key that exists is not saved again.
      if (!(await store.names('cache')).includes(input('key')))
        await store.keep('cache', input('key'), workspace, input('path'));
      return;
    case 'actions/upload-artifact':
      if (existsSync(join(workspace, input('path'))))
        await store.keep('artifact', input('name'), workspace, input('path'), true);
      return;
    case 'actions/download-artifact': {
      // By name: that artifact's files, into PATH (the workspace without one).
      if (step.with?.name !== undefined) {
        if (!(await store.restore('artifact', input('name'), join(workspace, input('path')))))
          throw new Error(`download-artifact: no artifact ${input('name')}`);
        return;
      }
      // With a pattern and no merge-multiple, each artifact goes into PATH/<its name>/, without its own path prefix.
      const pattern = new RegExp(
        `^${input('pattern')
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replaceAll('*', '.*')}$`,
      );
      for (const name of (await store.names('artifact')).filter((artifact) => pattern.test(artifact))) {
        await store.restore('artifact', name, join(workspace, input('path'), name));
      }
      return;
    }
    case 'mikepenz/action-junit-report':
      if (!existsSync(join(workspace, input('report_paths'))))
        throw new Error(`${input('report_paths')}: no JUnit report to publish`);
      return;
    default:
      throw new Error(
        `the test does not know the action ${step.uses}: teach test/support/ci/github-actions.ts what it does`,
      );
  }
}

function alwaysish(condition: string | undefined): boolean {
  return condition !== undefined && /^\$\{\{\s*(!cancelled\(\)|always\(\))\s*\}\}$/.test(condition.trim());
}

function expand(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (whole, expression: string) => {
    const value = context[expression];
    if (value === undefined) throw new Error(`the test does not know the expression ${whole}`);
    return value;
  });
}
