import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BaleenError } from '../errors/baleen-error.js';
import { ensureGitignored, type GitignoreChange, IGNORED } from './gitignore.js';
import { renderTemplates, type InitSettings } from './init-templates.js';
import { DEFAULT_RUNTIME, providerOf } from '../runtime/registry.js';

export interface InitOptions extends Partial<InitSettings> {
  cwd: string;
  out: NodeJS.WritableStream;
}

export interface InitReport {
  written: string[];
  /** Files that were there already: never overwritten. */
  kept: string[];
  /** .gitignore: made, added to, or left as it was. */
  gitignore: GitignoreChange['kind'];
}

/**
 * `baleen init`: a runner Dockerfile, a .dockerignore, a baleen.yml project and CI files for GitHub Actions and
 * GitLab CI, written into the user's project. A file that exists is the user's: it is kept as it is. The report
 * and the timing history are added to .gitignore (made if need be), each once.
 */
export async function initProject(options: InitOptions): Promise<InitReport> {
  const settings: InitSettings = {
    image: options.image ?? (await defaultImage(options.cwd)),
    files: options.files ?? ['features/'],
    shards: options.shards ?? 4,
  };
  const report: Omit<InitReport, 'gitignore'> = { written: [], kept: [] };
  for (const file of await renderTemplates(settings)) {
    const target = join(options.cwd, file.path);
    await mkdir(dirname(target), { recursive: true });
    // The `wx` flag: created only if absent, decided by the filesystem (no check-then-write race).
    const written = await writeFile(target, file.text, { flag: 'wx' }).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw new BaleenError('CANNOT_WRITE', `cannot write ${file.path} (${error.code ?? error.message})`, {
          hint: 'run baleen init in a folder you can write to',
          cause: error,
        });
      },
    );
    (written ? report.written : report.kept).push(file.path);
  }
  const hasLock = await readFile(join(options.cwd, 'package-lock.json')).then(
    () => true,
    () => false,
  );
  const gitignore = await ensureGitignored(options.cwd);
  options.out.write(describe(report, gitignore, settings, hasLock));
  return { ...report, gitignore: gitignore.kind };
}

/** The package's name (else the folder's), made a valid image name: `@acme/shop-tests` → `acme-shop-tests-runner`. */
async function defaultImage(cwd: string): Promise<string> {
  const name = await readFile(join(cwd, 'package.json'), 'utf8')
    .then((text) => (JSON.parse(text) as { name?: unknown }).name)
    .catch(() => undefined);
  const base = (typeof name === 'string' && name !== '' ? name : basename(cwd))
    .toLowerCase()
    .replace(/^@/, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return `${base || 'suite'}-runner`;
}

function describe(
  report: Omit<InitReport, 'gitignore'>,
  gitignore: GitignoreChange,
  settings: InitSettings,
  hasLock: boolean,
): string {
  const lines = [
    ...(hasLock
      ? []
      : [
          "note: no package-lock.json here: the Dockerfile's `npm ci` needs one (`npm install` writes it), or change its install step",
        ]),
    ...report.written.map((path) => `  wrote ${path}`),
    ...report.kept.map(
      (path) => `  kept  ${path} (it exists; compare it with a fresh \`baleen init\` in an empty folder)`,
    ),
    gitignore.kind === 'created'
      ? `  wrote .gitignore (${gitignore.added.join(', ')})`
      : gitignore.kind === 'appended'
        ? `  added ${gitignore.added.join(', ')} to .gitignore`
        : `  kept  .gitignore (it ignores ${IGNORED.join(' and ')} already)`,
    '',
    'Next:',
    `  ${providerOf(DEFAULT_RUNTIME).build(settings.image)}`,
    '  npx baleen project suite',
    'Then commit the CI file you use (.github/workflows/baleen.yml or .gitlab-ci.yml) and delete the other.',
  ];
  return `${lines.join('\n')}\n`;
}
