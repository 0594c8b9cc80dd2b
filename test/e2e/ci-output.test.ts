import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-ci-output-');
const FILES = ['features/pass.feature', 'features/fail.feature', 'features/parse-error.feature'];

/** The variables a CI runner sets, and none of another's: the test's own environment may be a CI's. */
const runner = (vars: Record<string, string>): NodeJS.ProcessEnv => ({
  CI: 'true',
  GITHUB_ACTIONS: '',
  GITHUB_STEP_SUMMARY: '',
  GITLAB_CI: '',
  ...vars,
});

function run(env: NodeJS.ProcessEnv) {
  return runCli(['cucumber', '--image', TEST_IMAGE, '--files', ...FILES, '--report-dir', scratch.reportDir()], {
    cwd: FIXTURE_SUITE,
    env,
  });
}

describe('CI-native output, with the environment the runners set', () => {
  it('GitHub Actions: an annotation per failed scenario, folded output, and the job summary in Markdown', async () => {
    const summaryFile = scratch.path('step-summary.md');
    await writeFile(summaryFile, '# an earlier step\n');
    const result = await run(runner({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile, RUNNER_OS: 'Linux' }));
    expect(result.code, result.stderr).toBe(1);

    const annotations = result.stdout.split('\n').filter((line) => line.startsWith('::error '));
    expect(annotations).toHaveLength(2);
    expect(annotations[0]).toMatch(
      /^::error file=features\/fail\.feature,line=7,title=a wrong sum \(features\/fail\.feature%3A7\)::Then the result is 5%0A/,
    );
    expect(annotations[1]).toMatch(
      /^::error file=features\/parse-error\.feature,line=4,title=.*::baleen ran the feature: failed%0AGherkin parse error at line 4/,
    );
    expect(result.stdout).toMatch(
      /^::group::baleen: stdout of features\/fail\.feature \(failed\)\n[\s\S]*?the result is 4, not 5[\s\S]*?\n::endgroup::$/m,
    );

    const markdown = await readFile(summaryFile, 'utf8');
    expect(markdown.startsWith('# an earlier step\n### baleen: ❌ failed')).toBe(true); // appended, not replaced
    expect(markdown).toContain('| failed | 2 |');
    expect(markdown).toMatch(
      /\*\*a wrong sum\*\* · `features\/fail\.feature:7`\n\nThen the result is 5\n\n```+\n[\s\S]*?5/,
    );
    expect(markdown).toContain('#### Slowest features');
  });

  it("GitLab CI: each failed feature's output in a collapsed section", async () => {
    const result = await run(runner({ GITLAB_CI: 'true', CI_SERVER_NAME: 'GitLab' }));
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(
      /\x1b\[0Ksection_start:\d+:baleen_output_\d+\[collapsed=true\]\r\x1b\[0Kbaleen: stdout of features\/fail\.feature \(failed\)\n[\s\S]*?the result is 4, not 5/,
    );
    expect(result.stdout).toMatch(/\x1b\[0Ksection_end:\d+:baleen_output_\d+\r\x1b\[0K/);
    expect(result.stdout).not.toContain('::error');
  });

  it('elsewhere (another CI, a terminal): none of either', async () => {
    const result = await run(runner({}));
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).not.toMatch(/::error|::group::|section_start/);
  });
});
