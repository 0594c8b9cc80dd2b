import ci from 'ci-info';

/** The CI service whose log and page baleen's output fits into, as ci-info detects it from the environment. */
export type CiPlatform =
  | {
      kind: 'github' /** $GITHUB_STEP_SUMMARY: the job's Markdown summary file, when the runner gives one. */;
      stepSummary?: string;
    }
  | { kind: 'gitlab' };

export function detectCiPlatform(env: NodeJS.ProcessEnv = process.env): CiPlatform | undefined {
  if (ci.GITHUB_ACTIONS)
    return { kind: 'github', ...(env.GITHUB_STEP_SUMMARY ? { stepSummary: env.GITHUB_STEP_SUMMARY } : {}) };
  if (ci.GITLAB) return { kind: 'gitlab' };
  return undefined;
}
