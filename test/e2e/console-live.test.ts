import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BALEEN_BIN } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE, expectNoContainersLeft } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';
import { shellQuote } from '../../src/util/shell-quote.js';
import { stripAnsi } from '../../src/util/text.js';

const scratch = useScratch('baleen-tty-');

describe('the console on a terminal', () => {
  it('redraws a live line per active feature, then prints the results and the summary', async () => {
    // util-linux `script` gives the CLI a real pseudo-terminal, as a developer's shell would.
    const command = [
      process.execPath,
      BALEEN_BIN,
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      'features/pass.feature',
      'features/with space.feature',
      '--command',
      'sleep 1; cucumber-js {file} --format json:{report}',
      '--report-dir',
      scratch.path('r'),
      '--timings',
      scratch.path('t.json'),
    ]
      .map(shellQuote)
      .join(' ');
    const { stdout } = await promisify(execFile)('script', ['-qefc', command, '/dev/null'], {
      cwd: FIXTURE_SUITE,
      env: { ...process.env, COLUMNS: '120' },
    });
    expect(stdout).toMatch(/\x1b\[2K\x1b\[1A\x1b\[2K/); // log-update erased the live block's lines to redraw it
    const text = stripAnsi(stdout);
    expect(text).toMatch(/running\s+features\/pass\.feature/);
    expect(text).toMatch(/0\/2 done, 2 active, 0 queued/);
    expect(text).toMatch(/✓ PASS\s+features\/with space\.feature/);
    expect(text).toMatch(/PASSED features: 2 passed/);
    expect(expectNoContainersLeft()).toEqual([]);
  });
});
