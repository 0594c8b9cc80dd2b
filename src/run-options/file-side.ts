import { z } from 'zod';
import type { FileSide } from './option.js';
import type { Reader } from './reader.js';

/** A key of a project in baleen.yml (snake_case, as the original baleen's project file) and its value's schema. */
export function fileKey<const Key extends string, T>(key: Key, schema: z.ZodType<T>): FileSide<T, Key> {
  return { key, schema };
}

/** A YAML value read like the command line's: `timeout: 90s`, `memory: 512m`, `cpus: 1.5`, `batch: auto`. */
export function readerSchema<T>(reader: Reader<T>): z.ZodType<T> {
  return z.union([z.string(), z.number()]).transform((value, context) => {
    const parsed = reader.read(String(value));
    if (parsed !== undefined) return parsed;
    context.addIssue({ code: 'custom', message: `expected ${reader.expected}` });
    return z.NEVER;
  });
}

/** One entry or a list of them (`files: features/` or `files: [a/, b/]`), always read as a list. */
export function oneOrMany(entry: z.ZodType<string>, atLeastOne = false): z.ZodType<string[]> {
  const list = atLeastOne ? z.array(entry).min(1) : z.array(entry);
  return z.union([entry, list]).transform((value) => (Array.isArray(value) ? value : [value]));
}
