import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Labels } from '../../src/runtime/labels.js';
import { type CliProcess, runCli, startServerProcess } from '../support/cli.js';
import { byFile, summaryOf } from '../support/run-summary.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';
import { engineEvents } from '../support/worker-suite.js';

/**
 * A long-lived `baleen server` keeps the image's answer (src/probe/probe-cache.ts): a run identical to an
 * earlier one, on the same image, starts no probe container; a rebuilt image is asked again. Counted in the
 * engine's own event log, not in baleen's word.
 */
const scratch = useScratch('baleen-probe-cache-');
const IMAGE = 'baleen-test-probe-cache';
const ONE = 'Feature: One\n  Scenario: adds\n    Given the number 1\n    When I add 1\n    Then the result is 2\n';
let suite = '';
let server: CliProcess;
let url = '';

beforeAll(async () => {
  suite = scratch.path('suite');
  await buildSuiteImage(suite, IMAGE, { 'features/one.feature': ONE });
  ({ process: server, url } = await startServerProcess({ cwd: scratch.dir, args: ['--capacity', '2'] }));
}, 180_000);
afterAll(async () => {
  expect((await server.stop('SIGTERM')).code).toBe(0);
});

/** One run through the server, and the probe containers the engine created meanwhile. */
/**
 * One `baleen cucumber` of the suite (through the server, or with `embedded` a server of its own), and the
 * probe containers the engine created meanwhile: a probe is made before the run's first feature container.
 */
async function run({ embedded = false } = {}) {
  const reportDir = scratch.reportDir();
  const since = Date.now();
  const through = embedded ? [] : ['--server', url];
  const result = await runCli(
    ['cucumber', ...through, '--image', IMAGE, '--files', 'features/', '--report-dir', reportDir],
    { cwd: suite },
  );
  const probes = engineEvents(since, Date.now(), 'type=container', 'event=create', `label=${Labels.probe}`);
  return { ...result, probes: probes.length, features: byFile(await summaryOf(reportDir)) };
}

describe("a long-lived server keeps the image's answer", () => {
  it('asks the image once for identical runs, and again once the image is rebuilt; a local change is still named stale', async () => {
    const first = await run();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.probes).toBe(1);

    const second = await run();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.probes).toBe(0);

    // Changed here, not in the image: the kept answer's hashes still tell it, without a container.
    const file = join(suite, 'features/one.feature');
    const changed = `${ONE}\n  Scenario: adds again\n    Given the number 2\n    When I add 1\n    Then the result is 3\n`;
    await writeFile(file, changed);
    const stale = await run();
    expect(stale.code, stale.stdout + stale.stderr).toBe(1);
    expect(stale.probes).toBe(0);
    expect(stale.features['features/one.feature']?.error).toMatch(/differs from the local file: rebuild the image/);

    // Rebuilt under the same tag: another image id, asked again, and its new scenario is expected and run.
    await buildSuiteImage(suite, IMAGE, { 'features/one.feature': await readFile(file, 'utf8') });
    const rebuilt = await run();
    expect(rebuilt.code, rebuilt.stdout + rebuilt.stderr).toBe(0);
    expect(rebuilt.probes).toBe(1);
    expect(rebuilt.stdout).toMatch(/2 scenarios \(2 passed\)/);
  }, 300_000);
});

describe('a run without --server keeps the answer beside its timing history', () => {
  it('asks the image once for two identical runs, each with an embedded server of its own', async () => {
    const embedded = () => run({ embedded: true });
    await rm(join(suite, '.baleen'), { recursive: true, force: true });
    const first = await embedded();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.probes).toBe(1);
    const second = await embedded();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.probes).toBe(0);
  }, 300_000);
});
