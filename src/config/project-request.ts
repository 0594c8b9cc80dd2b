import type { Project } from './project-file.js';
import { DEFAULT_REPORT_DIR, defaultConcurrency, type RunRequest } from './run-request.js';

/** What a project of baleen.yml says about a run; the caller adds where it runs and how it reports. */
export type ProjectRunRequest = Omit<RunRequest, 'engine' | 'timingsFile' | 'verbosity'>;

/** A project's run as its file describes it, before anything the command line (or a push) says. */
export function projectRunRequest(project: Project): ProjectRunRequest {
  return {
    image: project.image,
    files: project.files,
    command: project.command,
    workDir: project.work_dir,
    beforeCommand: project.before_command,
    env: project.env ?? {},
    concurrency: project.concurrency ?? defaultConcurrency(),
    timeoutMs: project.timeout,
    retries: project.retries,
    failFast: project.fail_fast,
    tags: project.tags,
    memoryBytes: project.memory,
    nanoCpus: project.cpus,
    constraints: project.constraints ?? [],
    collect: project.collect ?? [],
    collectMaxBytes: project.collect_max,
    reportDir: project.report_dir ?? DEFAULT_REPORT_DIR,
  };
}
