import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { launchChromium } from '../support/chromium.js';
import { runCli } from '../support/cli.js';
import { openOffline } from '../support/offline-browser.js';
import { buildSuiteImage } from '../support/suite-image.js';
import { useScratch } from '../support/scratch.js';

/** The page's document, as the browser has it. */
declare const document: { documentElement: { attributes: ArrayLike<{ name: string }> } };

const scratch = useScratch('baleen-inert-');
const IMAGE = 'baleen-test-inert';

/** The payload of issue 19, item 2: each place marks the page with its own attribute if it ever runs. */
const payload = (where: string) =>
  `</script><script>document.documentElement.setAttribute('data-pwned-${where}','1')</script>`;

/** Issue 19, item 5: control characters and colour codes in a feature's name and in a file's name. */
const CONTROL_NAME = 'ctl \x01 \x1b[31mred\x1b[0m name';
const ESC_FILE = 'features/esc \x1b[1mfile.feature';

const FEATURES = {
  'features/payloads.feature': [
    `@tag${payload('tag')}`,
    'Feature: payloads',
    `  Scenario: ${payload('name')}`,
    '    Given the number 1',
    '  Scenario: a doc string',
    '    Given the number 1',
    '    When I add 1',
    '      """',
    `      ${payload('docstring')}`,
    '      """',
    '  Scenario: a step',
    `    Given the number 1 ${payload('step')}`,
    '',
  ].join('\n'),
  'features/control.feature': `Feature: ${CONTROL_NAME}\n  Scenario: ${CONTROL_NAME}\n    Given the number 1\n`,
  [ESC_FILE]: 'Feature: a file named with ESC\n  Scenario: one\n    Given the number 1\n',
};

let browser: Browser;
let reportDir: string;
beforeAll(async () => {
  await buildSuiteImage(scratch.path('suite'), IMAGE, FEATURES);
  browser = await launchChromium();
  reportDir = scratch.reportDir();
  const run = await runCli(
    [
      'cucumber',
      '--image',
      IMAGE,
      '--files',
      ...Object.keys(FEATURES),
      '--command',
      'cucumber-js {file} --format message:{report}',
      '--report-dir',
      reportDir,
    ],
    { cwd: scratch.path('suite') },
  );
  // Undefined steps (the payloads in step text) fail their feature: the reports are written all the same.
  expect(run.code, run.stderr).toBe(1);
});
afterAll(async () => {
  await browser?.close();
});

describe('reports are inert', () => {
  it('cucumber.html runs no script from the suite: name, tag, doc string, step text (issue 19, item 2)', async () => {
    const view = await openOffline(browser, join(reportDir, 'cucumber.html'));
    // The formatter's page drew the suite: the payloads are there, as text.
    await view.page.getByText('payloads').first().waitFor();
    const marks = await view.page.evaluate(() =>
      Array.from(document.documentElement.attributes, (attribute) => attribute.name),
    );
    expect(marks.filter((name) => name.startsWith('data-pwned'))).toEqual([]);
    const html = await readFile(join(reportDir, 'cucumber.html'), 'utf8');
    expect(html).not.toContain("</script><script>document.documentElement.setAttribute('data-pwned-");
    expect(view.pageErrors).toEqual([]);
    expect(view.externalRequests).toEqual([]);
  });

  it('junit.xml is well-formed with control characters in names and file names (issue 19, item 5)', async () => {
    const file = join(reportDir, 'junit.xml');
    const { stderr } = await promisify(execFile)('xmllint', ['--noout', file]).catch(
      (error: { stderr: string }) => error,
    );
    expect(stderr).toBe('');
    const xml = await readFile(file, 'utf8');
    expect(xml).toContain('name="ctl  red name"');
    expect(xml).toContain('file="features/esc file.feature"');
    expect(xml).toContain('classname="features/esc file.feature"');
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.features.map((feature) => feature.file).sort()).toEqual(Object.keys(FEATURES).sort());
  });
});
