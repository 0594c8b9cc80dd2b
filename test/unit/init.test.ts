import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadProject } from '../../src/run-options/project-file.js';
import { initProject } from '../../src/init/init-project.js';
import { renderTemplates } from '../../src/init/init-templates.js';
import { projectRunOptions } from '../../src/run-options/derive-project-schema.js';
import { runRequestOf } from '../../src/run-options/derive-request.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/', import.meta.url));
const FILES = ['.dockerignore', '.github/workflows/baleen.yml', '.gitlab-ci.yml', 'Dockerfile', 'baleen.yml'];

function sink(): NodeJS.WritableStream & { text: string } {
  const out = { text: '', write: (chunk: string) => ((out.text += chunk), true) };
  return out as unknown as NodeJS.WritableStream & { text: string };
}

async function project(packageJson?: object): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'baleen-init-'));
  if (packageJson) await writeFile(join(dir, 'package.json'), JSON.stringify(packageJson));
  return dir;
}

describe('baleen init', () => {
  it('writes the runner Dockerfile, .dockerignore, baleen.yml and both CI files, named after the package', async () => {
    const dir = await project({ name: '@acme/Shop Tests' });
    const out = sink();
    const report = await initProject({ cwd: dir, out });
    expect(report).toEqual({ written: FILES, kept: [], gitignore: 'created' });
    const read = (path: string) => readFile(join(dir, path), 'utf8');
    for (const path of FILES) expect(await read(path)).not.toMatch(/__[A-Z_]+__/);
    expect(await read('Dockerfile')).toMatch(/^FROM node:20/m);
    expect(await read('Dockerfile')).toContain('docker build -t acme-shop-tests-runner .');
    expect((await read('.dockerignore')).split('\n')).toEqual(
      expect.arrayContaining(['baleen-report/', '.baleen/', 'tmp/', 'node_modules/']),
    );
    // The project file is one baleen itself accepts.
    expect(await loadProject(join(dir, 'baleen.yml'), 'suite')).toMatchObject({
      image: 'acme-shop-tests-runner',
      files: ['features/'],
    });
    expect(out.text).toContain('docker build -t acme-shop-tests-runner .');
    expect(out.text).toContain('no package-lock.json here');
  });

  it('the shard count reaches both CI files', async () => {
    const dir = await project();
    await initProject({ cwd: dir, out: sink(), shards: 3, image: 'x-runner', files: ['specs/'] });
    const github = parse(await readFile(join(dir, '.github/workflows/baleen.yml'), 'utf8'));
    expect(github.jobs.features.strategy.matrix.shard).toEqual([1, 2, 3]);
    const gitlab = parse(await readFile(join(dir, '.gitlab-ci.yml'), 'utf8'));
    expect(gitlab.features.parallel).toBe(3);
    expect(await loadProject(join(dir, 'baleen.yml'), 'suite')).toMatchObject({ image: 'x-runner', files: ['specs/'] });
  });

  it('never overwrites: files that exist are kept byte for byte and named', async () => {
    const dir = await project({ name: 'shop' });
    await writeFile(join(dir, 'Dockerfile'), 'FROM my-own\n');
    const first = await initProject({ cwd: dir, out: sink() });
    expect(first.kept).toEqual(['Dockerfile']);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM my-own\n');
    await writeFile(join(dir, 'baleen.yml'), 'projects: {}\n');
    const out = sink();
    const second = await initProject({ cwd: dir, out });
    expect(second).toEqual({ written: [], kept: FILES, gitignore: 'kept' });
    expect(await readFile(join(dir, 'baleen.yml'), 'utf8')).toBe('projects: {}\n');
    expect(out.text).toMatch(/kept {2}baleen\.yml \(it exists/);
  });

  it('retries only on CI: its baleen.yml says so in a ci: section, which a run reads from the environment', async () => {
    const dir = await project({ name: 'shop' });
    await initProject({ cwd: dir, out: sink() });
    const suite = await loadProject(join(dir, 'baleen.yml'), 'suite');
    expect(suite).not.toHaveProperty('retries');
    expect(suite.ci).toEqual({ retries: 1 });
    // A deterministic failure on a laptop runs once; on CI a flaky one gets its second chance.
    expect(runRequestOf(projectRunOptions(suite, { onCi: false })).retries).toBeUndefined(); // the spec's 0
    expect(runRequestOf(projectRunOptions(suite, { onCi: true })).retries).toBe(1);
    // The command line wins over both.
    expect(runRequestOf([...projectRunOptions(suite, { onCi: true }), { retries: 3 }]).retries).toBe(3);
  });

  it('keeps the report and the timing history out of git: .gitignore created, or appended to, never twice', async () => {
    const fresh = await project();
    const out = sink();
    expect((await initProject({ cwd: fresh, out })).gitignore).toBe('created');
    expect(await readFile(join(fresh, '.gitignore'), 'utf8')).toBe('baleen-report/\n.baleen/\n');
    expect(out.text).toContain('  wrote .gitignore (baleen-report/, .baleen/)');
    // Again: nothing added.
    expect((await initProject({ cwd: fresh, out: sink() })).gitignore).toBe('kept');
    expect(await readFile(join(fresh, '.gitignore'), 'utf8')).toBe('baleen-report/\n.baleen/\n');

    // A .gitignore of the user's, ignoring one of them already under another spelling, without a last newline.
    const own = await project();
    await writeFile(join(own, '.gitignore'), 'node_modules\n/baleen-report');
    const appended = sink();
    expect((await initProject({ cwd: own, out: appended })).gitignore).toBe('appended');
    expect(await readFile(join(own, '.gitignore'), 'utf8')).toBe('node_modules\n/baleen-report\n.baleen/\n');
    expect(appended.text).toContain('  added .baleen/ to .gitignore');
  });

  it('examples/ holds exactly what `baleen init` writes for the example suite', async () => {
    const rendered = await renderTemplates({ image: 'baleen-example-suite-runner', files: ['features/'], shards: 4 });
    expect(rendered.map((file) => file.path)).toEqual(FILES);
    for (const file of rendered) expect(await readFile(join(EXAMPLE, file.path), 'utf8'), file.path).toBe(file.text);
  });
});
