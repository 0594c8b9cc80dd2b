import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issueLine, zodInWords } from '../../src/errors/zod-in-words.js';

const Schema = z.strictObject({
  name: z.string().min(1),
  files: z.array(z.string()).min(1).max(2),
  files2: z.union([z.string(), z.array(z.string())]).optional(),
  concurrency: z.number().int().min(1).max(8).optional(),
  dir: z.string().startsWith('/', 'must be an absolute path').optional(),
});

function line(value: unknown): string {
  const parsed = Schema.safeParse(value, { error: zodInWords });
  if (parsed.success) throw new Error('expected the value to be refused');
  return issueLine(parsed.error.issues[0]!);
}

describe('zod issues in plain words', () => {
  it.each([
    [{ files: ['a'] }, 'name: required, but missing'],
    [{ name: '', files: ['a'] }, 'name: must not be empty'],
    [{ name: 7, files: ['a'] }, 'name: must be text, not 7'],
    [{ name: 'n', files: [] }, 'files: must list at least one'],
    [{ name: 'n', files: ['a', 'b', 'c'] }, 'files: must have at most 2 items, not 3'],
    [{ name: 'n', files: ['a', 3] }, 'files[1]: must be text, not 3'],
    [{ name: 'n', files: ['a'], files2: { a: 1 } }, 'files2: is not of a form it takes (it is a mapping)'],
    [{ name: 'n', files: ['a'], concurrency: 9 }, 'concurrency: must be at most 8, not 9'],
    [{ name: 'n', files: ['a'], concurrency: null }, 'concurrency: must be a number, not nothing'],
    [{ name: 'n', files: ['a'], dir: 'rel' }, 'dir: must be an absolute path'],
    [{ name: 'n', files: ['a'], nmae: 'x', other: 1 }, '(top level): unknown keys "nmae", "other"'],
  ])('%j → %s', (value, expected) => {
    expect(line(value)).toBe(expected);
  });
});
