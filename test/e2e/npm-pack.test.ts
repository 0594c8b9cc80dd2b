import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { REPO_ROOT } from '../support/ci/ci-workspace.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-npm-pack-');

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('the npm package', () => {
  it('packs what an install needs (and its MIT LICENSE), installs in a fresh folder, and runs there: --version, init, a suite on the engine', {
    timeout: 600_000,
  }, async () => {
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
      license: string;
    };
    expect(manifest.license).toBe('MIT');
    expect(await readFile(join(REPO_ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);

    // dist/ is current: the e2e set-up has just built it (`prepare` would build it again).
    const packDir = scratch.path('pack');
    await mkdir(packDir);
    const [packed] = JSON.parse(
      npm(['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], REPO_ROOT),
    ) as [{ filename: string; files: { path: string }[] }];
    const files = packed.files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'bin/baleen.js',
        'dist/cli/main.js',
        // The bundled CLI bin/baleen.js runs, and the programs it sends into containers, beside its chunks.
        'dist/bundle/main.js',
        'dist/bundle/probe-program.mjs',
        'dist/bundle/find-cucumber.mjs',
        'dist/bundle/warm-worker.mjs',
        'templates/init/Dockerfile',
        'templates/init/.dockerignore',
        'templates/init/.github/workflows/baleen.yml',
        'templates/init/.gitlab-ci.yml',
        'templates/init/baleen.yml',
      ]),
    );
    expect(files.filter((path) => /^(src|test|examples|bench)\//.test(path))).toEqual([]);

    // A user's project: its suite, and baleen installed from the tarball (dependencies from the npm cache or registry).
    const project = scratch.path('project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer-suite', private: true }));
    await cp(join(FIXTURE_SUITE, 'features'), join(project, 'features'), { recursive: true });
    npm(
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', join(packDir, packed.filename)],
      project,
    );

    const baleen = (...args: string[]) =>
      execFileSync(join(project, 'node_modules/.bin/baleen'), args, {
        cwd: project,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    expect(baleen('--version').trim()).toBe(manifest.version);
    expect(baleen('init')).toContain('wrote Dockerfile');
    expect(await readFile(join(project, 'baleen.yml'), 'utf8')).toContain('image: consumer-suite-runner');

    const reportDir = join(project, 'baleen-report');
    baleen('cucumber', '--image', TEST_IMAGE, '--files', 'features/pass.feature', '--report-dir', reportDir);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.features.map((f) => [f.file, f.status])).toEqual([['features/pass.feature', 'passed']]);
  });
});
