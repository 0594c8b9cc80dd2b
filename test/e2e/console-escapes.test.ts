import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';

const scratch = useScratch('baleen-console-escapes-');
const IMAGE = 'baleen-test-console-escapes';
// A file name that would clear the screen and retitle the window if printed as it is.
const EVIL = 'features/evil\x1b[2J\x1b]0;pwned\x07.feature';

describe('terminal escape sequences in file names and output', () => {
  let suite = '';
  beforeAll(async () => {
    suite = scratch.path('suite');
    await buildSuiteImage(suite, IMAGE, {
      [EVIL]: 'Feature: Evil\n  Scenario: hostile\n    When the output is hostile\n',
    });
  }, 120_000);

  it('never reach the console raw: names show their escapes, output and errors lose them', async () => {
    const result = await runCli(
      ['cucumber', '--image', IMAGE, '--files', EVIL, '--report-dir', scratch.reportDir(), '--verbose'],
      { cwd: suite },
    );
    expect(result.code, result.stderr).toBe(1);
    // Colours are off (NO_COLOR): any control character but a newline came from the run.
    // eslint-disable-next-line no-control-regex
    const control = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;
    expect(result.stdout).not.toMatch(control);
    expect(result.stderr).not.toMatch(control);
    expect(result.stdout).toContain('✗ FAIL  features/evil\\x1b[2J\\x1b]0;pwned\\x07.feature');
    // The failure's output tail and its error, both as text.
    expect(result.stdout).toMatch(/hostile output overwritten/);
    expect(result.stdout).toMatch(/hostile error overwritten/);
  }, 120_000);
});
