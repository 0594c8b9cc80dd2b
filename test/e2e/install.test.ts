import { spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/ci/ci-workspace.js';
import { FIXTURE_SUITE } from '../support/docker.js';
import { summaryOf } from '../support/run-summary.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-install-');
const IMAGE = 'shop-suite-runner';
/** The image init's Dockerfile starts from, made here: Node and npm, and an npm cache (no registry in a build). */
const NODE_WITH_NPM = 'baleen-test-node-npm:20';

/** A command's stdout; with `mayFail`, an exit that is not 0 (grep finding nothing) gives what it printed. */
const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, mayFail = false) => {
  const ran = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (ran.status !== 0 && !mayFail) throw new Error(`${command} ${args.join(' ')}: exit ${ran.status}\n${ran.stderr}`);
  return ran.stdout;
};

describe("the README's install, from a fresh folder to a green run (issue 21, case 2)", () => {
  it("survives init's Dockerfile: npm ci in the image installs the suite's dependencies, not baleen nor its Docker client", {
    timeout: 900_000,
  }, async () => {
    // A suite of one's own: its cucumber-js as a dev dependency, its features and steps.
    const project = scratch.path('shop-suite');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'shop-suite', private: true }));
    await cp(join(FIXTURE_SUITE, 'features'), join(project, 'features'), { recursive: true });
    const npm = (...args: string[]) => run('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], project);
    npm('install', '--save-dev', '@cucumber/cucumber@12');

    // README step 1, while baleen is not on the registry: npm pack, then npm i -D the tarball.
    const [packed] = JSON.parse(
      run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch.dir], REPO_ROOT),
    ) as [{ filename: string }];
    npm('install', '--save-dev', join(scratch.dir, packed.filename));
    expect(await readFile(join(project, 'package-lock.json'), 'utf8')).toContain('"resolved": "file:../baleen-');

    // README step 2: init.
    const baleen = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      spawnSync(join(project, 'node_modules/.bin/baleen'), args, {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, CI: '', GITHUB_ACTIONS: '', GITLAB_CI: '', ...env },
      });
    expect(baleen(['init']).stdout).toContain(`docker build -t ${IMAGE} .`);

    // No registry here: the Dockerfile's node:20 becomes a Node with npm and an npm cache holding the
    // suite's packages (filled by installing it once on this machine), set offline. Its RUN lines are init's.
    const base = scratch.path('node-npm');
    await mkdir(base);
    await cp('/usr/lib/node_modules/npm', join(base, 'npm'), { recursive: true });
    // The cache gets the suite's packages only, as a CI job's empty cache would: never baleen's tarball, which
    // npm would otherwise take from it by its integrity and hide a Dockerfile that still asks for it.
    const filler = scratch.path('filler');
    await mkdir(filler);
    for (const file of ['package.json', 'package-lock.json']) await cp(join(project, file), join(filler, file));
    const cached = ['--cache', join(base, 'cache'), '--prefer-offline', '--no-audit', '--no-fund'];
    run('npm', ['pkg', 'delete', 'devDependencies.baleen'], filler);
    run('npm', ['install', '--package-lock-only', ...cached], filler);
    run('npm', ['ci', ...cached], filler);
    expect(run('grep', ['-rl', 'baleen-0.1.0', join(base, 'cache', '_cacache', 'index-v5')], base, {}, true)).toBe('');
    await writeFile(
      join(base, 'Dockerfile'),
      [
        'FROM baleen/node-base:20',
        'COPY npm /usr/lib/node_modules/npm',
        'RUN ln -s /usr/lib/node_modules/npm/bin/npm-cli.js /usr/bin/npm',
        'COPY cache /npm-cache',
        'ENV npm_config_cache=/npm-cache npm_config_offline=true npm_config_update_notifier=false',
        '',
      ].join('\n'),
    );
    run('docker', ['build', '-q', '-t', NODE_WITH_NPM, '.'], base);
    const dockerfile = await readFile(join(project, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
    await writeFile(
      join(project, 'Dockerfile'),
      dockerfile.replace(/^FROM node:20-bookworm-slim$/m, `FROM ${NODE_WITH_NPM}`),
    );

    // README step 3: build the image. npm ci ran in it: the suite's packages are there, baleen's are not.
    const build = spawnSync('docker', ['build', '-t', IMAGE, '.'], { cwd: project, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const installed = run(
      'docker',
      ['run', '--rm', IMAGE, 'ls', '/suite/node_modules', '/suite/node_modules/@cucumber'],
      project,
    );
    expect(installed).toContain('cucumber');
    for (const absent of ['baleen', 'dockerode', 'ssh2']) expect(installed.split(/\s+/)).not.toContain(absent);

    // README step 4: run. Green, with the suite's own cucumber-js.
    const green = baleen(['project', 'suite', '--files', 'features/pass.feature', 'features/with space.feature']);
    expect(green.status, green.stdout + green.stderr).toBe(0);

    // init's project retries on CI only: a failure on this machine runs once, on CI twice.
    const local = baleen(['project', 'suite', '--files', 'features/fail.feature', '--report-dir', 'local-report']);
    expect(local.status).toBe(1);
    expect((await summaryOf(join(project, 'local-report'))).features[0]).toMatchObject({ attempts: 1 });
    const onCi = baleen(['project', 'suite', '--files', 'features/fail.feature', '--report-dir', 'ci-report'], {
      CI: 'true',
    });
    expect(onCi.status).toBe(1);
    expect((await summaryOf(join(project, 'ci-report'))).features[0]).toMatchObject({ attempts: 2 });

    run('docker', ['rmi', '-f', IMAGE, NODE_WITH_NPM], project);
  });
});
