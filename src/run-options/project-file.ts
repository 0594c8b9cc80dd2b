import { readFile } from 'node:fs/promises';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { BaleenError } from '../errors/baleen-error.js';
import { issueLine, zodInWords } from '../errors/zod-in-words.js';
import { closestNames } from '../util/did-you-mean.js';
import { RUN_OPTIONS_FILE_SHAPE } from './derive-project-schema.js';

/** Where `baleen server --webhook-secret` fetches a project from: a URL git understands, or `git@host:path`. */
const RepositorySchema = z
  .string()
  .min(1)
  .refine(
    (text) =>
      /^[\w.-]+@[\w.-]+:\S+$/.test(text) ||
      (URL.canParse(text) && ['https:', 'http:', 'ssh:', 'git:', 'file:'].includes(new URL(text).protocol)),
    {
      message: 'expected a repository URL (https://, ssh://, git://, file://) or git@host:path',
    },
  );

/**
 * One project of baleen.yml. Keys are snake_case as in the original baleen's project file: every run option's
 * key (run-options/declaration.ts), then what push-triggered runs need.
 */
export const ProjectSchema = z
  .strictObject({
    ...RUN_OPTIONS_FILE_SHAPE,
    // Run options that apply on CI only (CI=true, GitHub Actions, GitLab CI, …, as ci-info reads them), over
    // the project's own: `retries: 1` there re-runs a flaky feature without re-running a laptop's real failure.
    ci: z.strictObject(RUN_OPTIONS_FILE_SHAPE).partial().optional(),
    // Push-triggered runs (baleen server --webhook-secret): a push to one of `branches` of `repository` builds
    // `dockerfile` from that commit as `image`, and runs the project on it.
    repository: RepositorySchema.optional(),
    branches: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^[^\s~^:?*[\\]+$/, 'must be a branch name'),
      )
      .min(1)
      .optional(),
    dockerfile: z
      .string()
      .min(1)
      .refine(
        (path) => !path.startsWith('/') && !path.split('/').includes('..'),
        'must be a path inside the repository',
      )
      .optional(),
  })
  .superRefine((project, context) => {
    for (const key of ['branches', 'dockerfile'] as const) {
      if (project[key] !== undefined && project.repository === undefined)
        context.addIssue({
          code: 'custom',
          path: [key],
          message: 'needs `repository` (the repository pushes come from)',
        });
    }
    if (project.repository !== undefined && project.branches === undefined)
      context.addIssue({
        code: 'custom',
        path: ['branches'],
        message: 'is required with `repository`: the branches whose pushes run the project',
      });
  });
export type Project = z.infer<typeof ProjectSchema>;

export const ProjectFileSchema = z.strictObject({
  projects: z.record(z.string().min(1), ProjectSchema),
});

/**
 * Where a key's entry starts in the file: the key itself, or, for a key that is missing, the nearest
 * enclosing key that is there (`smoke:` for a project without `image:`).
 */
function offsetOf(document: Document, path: readonly PropertyKey[]): number {
  let node: unknown = document.contents;
  let offset = 0;
  for (const key of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
    if (!pair) break;
    offset = isScalar(pair.key) ? (pair.key.range?.[0] ?? offset) : offset;
    node = pair.value;
  }
  return offset;
}

/** One project of a project file; see loadProjectFile. */
export async function loadProject(path: string, name: string): Promise<Project> {
  const projects = await loadProjectFile(path);
  const project = projects[name];
  if (!project) {
    const known = Object.keys(projects);
    throw new BaleenError('CONFIG', `${path} has no project "${name}"`, {
      hint: known.length ? `choose one of: ${known.join(', ')}` : 'add it under `projects:`',
    });
  }
  return project;
}

/** Reads and validates a project file; every problem is a one-line error naming the file, the key and the fix. */
export async function loadProjectFile(path: string): Promise<Record<string, Project>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new BaleenError(
      'CONFIG',
      `cannot read project file ${path} (${(error as NodeJS.ErrnoException).code ?? error})`,
      {
        hint: 'create it, or pass --config FILE',
      },
    );
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  const yamlError = document.errors[0];
  if (yamlError) {
    // An unclosed bracket is reported at the end of the text: name the last line that has something on it.
    const line = lines.linePos(Math.min(yamlError.pos[0], text.trimEnd().length)).line;
    throw new BaleenError('CONFIG', `${path}:${line}: not valid YAML (${yamlError.message.split('\n')[0]})`, {
      hint: 'fix the YAML syntax',
    });
  }
  const parsed = ProjectFileSchema.safeParse(document.toJS(), { error: zodInWords });
  if (!parsed.success) {
    // An unknown key first: a misspelt `projects:` also makes `projects` missing, which says less.
    const issue = parsed.error.issues.find((each) => each.code === 'unrecognized_keys') ?? parsed.error.issues[0]!;
    const at = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    throw new BaleenError('CONFIG', `${path}:${lines.linePos(offsetOf(document, at)).line}: ${issueLine(issue)}`, {
      hint: issue.code === 'unrecognized_keys' ? unknownKeyHint(issue.keys[0]!, issue.path) : 'fix it there',
    });
  }
  return parsed.data.projects;
}

/**
 * The fix for a key the file does not take at `where`: the key it is a typo of (`retry` for `retries`), a
 * project's key written at the top (it belongs under a project), or what the place takes.
 */
function unknownKeyHint(key: string, where: readonly PropertyKey[]): string {
  const projectKeys = Object.keys(ProjectSchema.shape);
  if (where.length === 0 && projectKeys.includes(key))
    return `${key} is a project's key: put it under projects.NAME (indent it there)`;
  // The keys of where it is: the top takes `projects:`, a project its keys, a project's `ci:` run options.
  const known =
    where.length === 0 ? ['projects'] : where.length === 2 ? projectKeys : Object.keys(RUN_OPTIONS_FILE_SHAPE);
  const near = closestNames(key, known);
  if (near.length > 0) return `did you mean ${near.join(' or ')}?`;
  return where.length === 0
    ? 'the file takes `projects:` at the top, each project under it'
    : `${where.length === 2 ? 'each project' : '`ci:`'} takes ${known.join(', ')}`;
}
