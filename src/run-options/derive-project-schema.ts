import type { z } from 'zod';
import { runOptionEntries, type RunOptions } from './declaration.js';
import type { FileSide } from './option.js';
import type { RunOptionValues } from './values.js';

type FileKeyed = {
  [N in keyof RunOptions]: RunOptions[N] extends { file: FileSide<unknown> } ? N : never;
}[keyof RunOptions];
type KeyOf<N extends FileKeyed> = RunOptions[N]['file']['key'];
type SchemaOf<N extends FileKeyed> = RunOptions[N] extends { file: FileSide<infer T> }
  ? RunOptions[N] extends { required: true }
    ? z.ZodType<T>
    : z.ZodOptional<z.ZodType<T>>
  : never;

/** The run options' keys of a project in baleen.yml, snake_case, each optional unless the run needs it. */
export type RunOptionsFileShape = { [N in FileKeyed as KeyOf<N>]: SchemaOf<N> };

export const RUN_OPTIONS_FILE_SHAPE = Object.fromEntries(
  runOptionEntries().flatMap(([, option]) =>
    option.file ? [[option.file.key, option.required ? option.file.schema : option.file.schema.optional()]] : [],
  ),
) as RunOptionsFileShape;

/** What a project of baleen.yml says about a run, under the options' names. */
export function runOptionsFromProject(project: z.infer<z.ZodObject<RunOptionsFileShape>>): RunOptionValues {
  const values: Record<string, unknown> = {};
  for (const [name, option] of runOptionEntries()) {
    if (!option.file) continue;
    const value = (project as Record<string, unknown>)[option.file.key];
    if (value !== undefined) values[name] = value;
  }
  return values as RunOptionValues;
}

/**
 * A project's run options, in the order they apply: its own, then its `ci:` section's when the run is on CI.
 * The command line's go after them (runRequestOf: the last one given wins).
 */
export function projectRunOptions(
  project: z.infer<z.ZodObject<RunOptionsFileShape>> & { ci?: Partial<z.infer<z.ZodObject<RunOptionsFileShape>>> },
  where: { onCi: boolean },
): RunOptionValues[] {
  const { ci, ...own } = project;
  return [
    runOptionsFromProject(own),
    ...(where.onCi && ci ? [runOptionsFromProject(ci as z.infer<z.ZodObject<RunOptionsFileShape>>)] : []),
  ];
}
