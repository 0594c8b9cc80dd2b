import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { BaleenError } from '../errors/baleen-error.js';
import { parseCpus, parseDuration, parseMemory } from './units.js';
import { PlacementConstraintSchema } from '../domain/run-spec.js';
import { RUNTIME_KINDS } from '../runtime/create-runtime.js';

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A YAML value read like the command line's option: `timeout: 90s`, `memory: 512m`, `cpus: 1.5`. */
function unitField(read: (text: string) => number | undefined, expected: string) {
  return z
    .union([z.string(), z.number()])
    .transform((value, context) => {
      const parsed = read(String(value));
      if (parsed === undefined) context.addIssue({ code: 'custom', message: `expected ${expected}` });
      return parsed ?? 0;
    })
    .optional();
}

/** One project of baleen.yml. Keys are snake_case as in the original baleen's project file. */
export const ProjectSchema = z.strictObject({
  image: z.string().min(1),
  files: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v])),
  command: z.string().min(1).optional(),
  work_dir: z.string().startsWith('/', 'must be an absolute path inside the image').optional(),
  before_command: z.string().min(1).optional(),
  env: z
    .record(z.string().regex(envName, 'must be an environment variable name'), z.union([z.string(), z.number(), z.boolean()]).transform(String))
    .optional(),
  concurrency: z.number().int().min(1).max(1024).optional(),
  retries: z.number().int().min(0).max(100).optional(),
  fail_fast: z.boolean().optional(),
  tags: z.string().min(1).optional(),
  timeout: unitField(parseDuration, 'a duration such as 90s, 5m or 120'),
  memory: unitField(parseMemory, 'a size such as 512m or 2g'),
  cpus: unitField(parseCpus, 'a number of CPUs such as 1.5'),
  report_dir: z.string().min(1).optional(),
  runtime: z.enum(RUNTIME_KINDS).optional(),
  constraints: z.array(PlacementConstraintSchema).optional(),
});
export type Project = z.infer<typeof ProjectSchema>;

export const ProjectFileSchema = z.strictObject({
  projects: z.record(z.string().min(1), ProjectSchema),
});

/** Reads and validates a project file; every problem is a one-line error naming the file, the key and the fix. */
export async function loadProject(path: string, name: string): Promise<Project> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new BaleenError('CONFIG', `cannot read project file ${path} (${(error as NodeJS.ErrnoException).code ?? error})`, {
      hint: 'create it, or pass --config FILE',
    });
  }
  const document = parseDocument(text, { prettyErrors: false });
  const yamlError = document.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0]?.line;
    throw new BaleenError('CONFIG', `${path}${line ? `:${line}` : ''} is not valid YAML (${yamlError.message.split('\n')[0]})`, {
      hint: 'fix the YAML syntax',
    });
  }
  const parsed = ProjectFileSchema.safeParse(document.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.') || '(top level)';
    const what = issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : issue.message;
    throw new BaleenError('CONFIG', `${path}: ${where}: ${what}`, {
      hint: 'each project takes image, files, command, work_dir, before_command, env, concurrency, retries, fail_fast, tags, timeout, memory, cpus, report_dir, runtime, constraints under `projects:`',
    });
  }
  const project = parsed.data.projects[name];
  if (!project) {
    const known = Object.keys(parsed.data.projects);
    throw new BaleenError('CONFIG', `${path} has no project "${name}"`, {
      hint: known.length ? `choose one of: ${known.join(', ')}` : 'add it under `projects:`',
    });
  }
  return project;
}
