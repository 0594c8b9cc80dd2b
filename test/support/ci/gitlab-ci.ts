import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { checkout, type CiStore, runCommand, TOOLING_INSTALL, type CommandResult } from './ci-workspace.js';

/**
 * Runs a .gitlab-ci.yml pipeline the way GitLab would, on this machine: stage by stage, `parallel: N` as N
 * jobs with CI_NODE_INDEX/CI_NODE_TOTAL, each in a fresh checkout with before_script and script in `sh -e`,
 * caches by key and policy, artifacts handed to the jobs that need them, `when: always` honoured. The schema
 * is strict: a key the emulation does not play fails the test.
 */

const Cache = z.strictObject({
  key: z.string(),
  paths: z.array(z.string()),
  policy: z.enum(['pull', 'push', 'pull-push']).optional(),
});
const JobSchema = z.strictObject({
  extends: z.string().optional(),
  image: z.string().optional(),
  services: z.array(z.string()).optional(),
  variables: z.record(z.string(), z.string()).optional(),
  before_script: z.array(z.string()).optional(),
  stage: z.string().optional(),
  parallel: z.number().int().min(2).optional(),
  needs: z.array(z.string()).optional(),
  when: z.enum(['on_success', 'always']).optional(),
  cache: Cache.optional(),
  script: z.array(z.string()).optional(),
  artifacts: z
    .strictObject({
      when: z.enum(['on_success', 'always']).optional(),
      paths: z.array(z.string()),
      reports: z.strictObject({ junit: z.string() }).optional(),
      expose_as: z.string().optional(),
    })
    .optional(),
});
type GitlabJob = z.infer<typeof JobSchema>;
const Pipeline = z.looseObject({ stages: z.array(z.string()) });

export interface GitlabJobRun {
  job: string;
  nodeIndex?: number;
  workspace: string;
  steps: CommandResult[];
  failed: boolean;
}

/** Called before each job (each parallel one) starts: what else happens meanwhile (another runner's cache). */
export type BeforeGitlabJob = (job: string, nodeIndex?: number) => Promise<void>;

export async function runGitlabPipeline(
  project: string,
  store: CiStore,
  beforeJob: BeforeGitlabJob = async () => {},
): Promise<GitlabJobRun[]> {
  const document = parse(await readFile(join(project, '.gitlab-ci.yml'), 'utf8')) as Record<string, unknown>;
  const { stages } = Pipeline.parse(document);
  const jobs = Object.entries(document)
    .filter(([name]) => name !== 'stages' && !name.startsWith('.'))
    .map(([name, body]) => [name, resolveExtends(document, JobSchema.parse(body))] as const);
  const runs: GitlabJobRun[] = [];
  for (const stage of stages) {
    for (const [name, job] of jobs.filter(([, job]) => job.stage === stage)) {
      if (runs.some((run) => run.failed) && job.when !== 'always') continue;
      const total = job.parallel ?? 1;
      for (let index = 1; index <= total; index++) {
        const nodeVars: Record<string, string> = job.parallel
          ? { CI_NODE_INDEX: String(index), CI_NODE_TOTAL: String(total) }
          : {};
        await beforeJob(name, job.parallel ? index : undefined);
        runs.push(await runJob(name, job, project, store, runs, nodeVars));
      }
    }
  }
  return runs;
}

function resolveExtends(document: Record<string, unknown>, job: GitlabJob): GitlabJob {
  if (!job.extends) return job;
  const base = resolveExtends(document, JobSchema.parse(document[job.extends]));
  const { extends: _, ...own } = job;
  return { ...base, ...own };
}

async function runJob(
  name: string,
  job: GitlabJob,
  project: string,
  store: CiStore,
  earlier: GitlabJobRun[],
  nodeVars: Record<string, string>,
): Promise<GitlabJobRun> {
  const workspace = await checkout(project);
  const env = { ...job.variables, ...nodeVars, CI: 'true', GITLAB_CI: 'true' };
  const run: GitlabJobRun = {
    job: name,
    workspace,
    steps: [],
    failed: false,
    ...(nodeVars.CI_NODE_INDEX ? { nodeIndex: Number(nodeVars.CI_NODE_INDEX) } : {}),
  };
  // Artifacts of the jobs it needs, at their paths.
  for (const needed of earlier.filter((other) => job.needs?.includes(other.job))) {
    await store.restore('artifact', artifactName(needed), workspace);
  }
  if (job.cache && job.cache.policy !== 'push') await store.restore('cache', job.cache.key, workspace);
  for (const command of [...(job.before_script ?? []), ...(job.script ?? [])]) {
    if (TOOLING_INSTALL.test(command)) continue;
    const result = await runCommand(command, ['sh', '-e', '-c'], workspace, env);
    run.steps.push(result);
    if (result.code !== 0) {
      run.failed = true;
      break;
    }
  }
  if (job.artifacts && (!run.failed || job.artifacts.when === 'always')) {
    for (const path of job.artifacts.paths) {
      if (existsSync(join(workspace, path))) await store.keep('artifact', artifactName(run), workspace, path);
    }
    const junit = job.artifacts.reports?.junit.replace(
      /\$(\w+)/g,
      (_, variable: string) => env[variable as keyof typeof env] ?? '',
    );
    if (junit !== undefined && !existsSync(join(workspace, junit)))
      throw new Error(`${name}: no JUnit report at ${junit}`);
  }
  if (job.cache && job.cache.policy !== 'pull') {
    for (const path of job.cache.paths)
      if (existsSync(join(workspace, path))) await store.keep('cache', job.cache.key, workspace, path);
  }
  return run;
}

function artifactName(run: GitlabJobRun): string {
  return run.nodeIndex === undefined ? run.job : `${run.job}-${run.nodeIndex}`;
}
