import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEnvOptions } from '../../src/config/env-option.js';
import { loadProject } from '../../src/run-options/project-file.js';
import { resolveFeatures } from '../../src/config/resolve-features.js';
import { BaleenError } from '../../src/errors/baleen-error.js';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'baleen-config-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

async function failure(promise: Promise<unknown>): Promise<BaleenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BaleenError);
  return error as BaleenError;
}

describe('resolveFeatures', () => {
  it('expands directories recursively, accepts files and globs, sorts and de-duplicates', async () => {
    const root = await tree({
      'features/b.feature': '',
      'features/a.feature': '',
      'features/deep/c d.feature': '',
      'features/deep/café.feature': '',
      'features/notes.txt': '',
      'other/x.feature': '',
    });
    const found = await resolveFeatures(['features/', 'features/a.feature', 'other/*.feature'], root);
    expect(found).toEqual([
      'features/a.feature',
      'features/b.feature',
      'features/deep/c d.feature',
      'features/deep/café.feature',
      'other/x.feature',
    ]);
  });

  it('is a usage error when a pattern matches nothing', async () => {
    const root = await tree({ 'features/a.feature': '' });
    const error = await failure(resolveFeatures(['specs/'], root));
    expect(error.code).toBe('NO_FEATURES');
    expect(error.exitCode).toBe(2);
    expect(error.toLine()).toContain('no feature file matched --files specs/');
  });

  it('refuses files outside the current directory', async () => {
    const root = await tree({ 'suite/features/a.feature': '', 'elsewhere/b.feature': '' });
    const error = await failure(resolveFeatures(['../elsewhere/b.feature'], join(root, 'suite')));
    expect(error.message).toContain('outside the current directory');
  });
});

describe('resolveFeatures on trees with links, and walks it must refuse', () => {
  it('never leaves the tree and counts a file once, under its real path: a loop, a duplicate link, a link out', async () => {
    const root = await tree({ 'features/a.feature': '', 'features/b.feature.md': '', 'shared/c.feature': '' });
    await symlink('..', join(root, 'features/loop'));
    await symlink('a.feature', join(root, 'features/again.feature'));
    await symlink('../shared', join(root, 'features/shared'));
    expect(await resolveFeatures(['features/'], root)).toEqual([
      'features/a.feature',
      'features/b.feature.md',
      'shared/c.feature',
    ]);
    // A tree holding a link to a folder outside it: nothing outside is read, and naming it is refused.
    const elsewhere = await tree({ 'z.feature': '' });
    await symlink(elsewhere, join(root, 'features/out'));
    expect(await resolveFeatures(['.'], root)).toEqual([
      'features/a.feature',
      'features/b.feature.md',
      'shared/c.feature',
    ]);
    expect((await failure(resolveFeatures(['features/out/z.feature'], root))).message).toMatch(
      /leads to .*z\.feature, which is outside the current directory/,
    );
    expect((await failure(resolveFeatures(['features/out'], root))).message).toMatch(/outside the current directory/);
  });

  it('refuses a walk that starts outside the tree before reading it, and an empty --files', async () => {
    const root = await tree({ 'suite/a.feature': '' });
    const suite = join(root, 'suite');
    for (const pattern of ['/usr', '../', '/usr/**/*.feature']) {
      const error = await failure(resolveFeatures([pattern], suite, { maxFolders: 1 }));
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain('outside the current directory');
    }
    const empty = await failure(resolveFeatures([''], suite));
    expect([empty.code, empty.toLine()]).toEqual([
      'USAGE',
      '--files was given an empty path: name a folder (--files features/), a feature file or a glob',
    ]);
  });

  it('refuses a walk past its folder limit, for a folder and for a glob', async () => {
    const files = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`big/d${i}/x.feature`, '']));
    const root = await tree(files);
    for (const pattern of ['big', 'big/**/*.feature']) {
      const error = await failure(resolveFeatures([pattern], root, { maxFolders: 10 }));
      expect(error.toLine()).toBe(
        `--files ${pattern} reaches more than 10 folders: name the folders that hold your features (--files features/), not a whole tree`,
      );
    }
    expect(await resolveFeatures(['big'], root, { maxFolders: 13 })).toHaveLength(12);
  });

  it('stops walking when its signal aborts (Ctrl-C, SIGTERM)', async () => {
    // A chain of 40 nested folders: reading it takes 40 turns of the event loop, so the abort lands mid-walk.
    const root = await tree({ [`${Array.from({ length: 40 }, (_, i) => `n${i}`).join('/')}/x.feature`]: '' });
    const controller = new AbortController();
    const walking = resolveFeatures(['.'], root, { signal: controller.signal });
    setImmediate(() => controller.abort());
    const error = await failure(walking);
    expect([error.code, error.exitCode]).toEqual(['INTERRUPTED', 130]);
    expect(await resolveFeatures(['.'], root)).toHaveLength(1);
  });
});

describe('parseEnvOptions', () => {
  it('parses KEY=VALUE, keeps = in values, and passes bare KEY through', () => {
    expect(parseEnvOptions(['A=1', 'B=x=y', 'C='], {})).toEqual({ A: '1', B: 'x=y', C: '' });
    expect(parseEnvOptions(['HOME_DIR'], { HOME_DIR: '/root' })).toEqual({ HOME_DIR: '/root' });
  });

  it('rejects malformed names and unset bare keys with a usage error', () => {
    expect(() => parseEnvOptions(['=x'], {})).toThrow(/--env "=x" is not KEY=VALUE/);
    expect(() => parseEnvOptions(['1A=x'], {})).toThrow(BaleenError);
    expect(() => parseEnvOptions(['MISSING'], {})).toThrow(/not set here/);
  });
});

describe('loadProject', () => {
  it('reads a project and normalises files and env', async () => {
    const root = await tree({
      'baleen.yml':
        'projects:\n  web:\n    image: runner\n    files: features/\n    env:\n      PORT: 8080\n    concurrency: 3\n',
    });
    expect(await loadProject(join(root, 'baleen.yml'), 'web')).toEqual({
      image: 'runner',
      files: ['features/'],
      env: { PORT: '8080' },
      concurrency: 3,
    });
  });

  it('reads collect as one path or a list, and collect_max as a size', async () => {
    const root = await tree({
      'baleen.yml':
        'projects:\n  one:\n    image: r\n    files: f\n    collect: shots/\n  many:\n    image: r\n    files: f\n    collect: [shots/, reports/]\n    collect_max: 512k\n',
    });
    expect(await loadProject(join(root, 'baleen.yml'), 'one')).toMatchObject({ collect: ['shots/'] });
    expect(await loadProject(join(root, 'baleen.yml'), 'many')).toMatchObject({
      collect: ['shots/', 'reports/'],
      collect_max: 512 * 1024,
    });
  });

  it.each([
    [
      'an unknown key',
      'web',
      'projects:\n  web:\n    image: r\n    files: f\n    imagee: x\n',
      /projects\.web: unknown key "imagee"/,
    ],
    [
      'a wrong type',
      'web',
      'projects:\n  web:\n    image: r\n    files: f\n    concurrency: many\n',
      /projects\.web\.concurrency/,
    ],
    ['bad YAML', 'web', 'projects:\n  web: [unclosed\n', /baleen\.yml:2: not valid YAML/],
    [
      'a missing project',
      'api',
      'projects:\n  web:\n    image: r\n    files: f\n',
      /has no project "api".*choose one of: web/,
    ],
    [
      'a repository that is no URL',
      'web',
      'projects:\n  web:\n    image: r\n    files: f\n    repository: not a url\n    branches: [main]\n',
      /projects\.web\.repository: expected a repository URL/,
    ],
    [
      'a repository without branches',
      'web',
      'projects:\n  web:\n    image: r\n    files: f\n    repository: https://github.com/team/suite\n',
      /projects\.web\.branches: is required with `repository`/,
    ],
    [
      'branches without a repository',
      'web',
      'projects:\n  web:\n    image: r\n    files: f\n    branches: [main]\n',
      /projects\.web\.branches: needs `repository`/,
    ],
    [
      'a dockerfile outside the repository',
      'web',
      'projects:\n  web:\n    image: r\n    files: f\n    repository: git@github.com:team/suite.git\n    branches: [main]\n    dockerfile: ../Dockerfile\n',
      /projects\.web\.dockerfile: must be a path inside the repository/,
    ],
  ])('rejects %s with a config error naming it', async (_what, name, yaml, message) => {
    const root = await tree({ 'baleen.yml': yaml });
    const error = await failure(loadProject(join(root, 'baleen.yml'), name));
    expect(error.code).toBe('CONFIG');
    expect(error.exitCode).toBe(2);
    expect(error.toLine()).toMatch(message);
  });

  it('reads split, and refuses a value it does not know', async () => {
    const root = await tree({ 'baleen.yml': 'projects:\n  web:\n    image: r\n    files: f\n    split: scenarios\n' });
    expect(await loadProject(join(root, 'baleen.yml'), 'web')).toMatchObject({ split: 'scenarios' });
    const bad = await tree({ 'baleen.yml': 'projects:\n  web:\n    image: r\n    files: f\n    split: rows\n' });
    expect((await failure(loadProject(join(bad, 'baleen.yml'), 'web'))).toLine()).toMatch(/projects\.web\.split/);
  });

  it('reads the keys of push-triggered runs', async () => {
    const root = await tree({
      'baleen.yml':
        'projects:\n  web:\n    image: runner\n    files: features/\n    repository: https://github.com/team/suite.git\n    branches: [main, release]\n    dockerfile: ci/Dockerfile\n',
    });
    expect(await loadProject(join(root, 'baleen.yml'), 'web')).toMatchObject({
      repository: 'https://github.com/team/suite.git',
      branches: ['main', 'release'],
      dockerfile: 'ci/Dockerfile',
    });
  });

  it('says which file is missing', async () => {
    const error = await failure(loadProject('/nonexistent/baleen.yml', 'web'));
    expect(error.toLine()).toContain('cannot read project file /nonexistent/baleen.yml');
  });
});
