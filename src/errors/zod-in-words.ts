import type { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

/** A value as a person wrote it: `the text "four"`, `2.5`, `a list`. */
function shown(value: unknown): string {
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** Zod's type names in the words of a YAML file or a command line. */
const KIND: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function bound(
  issue: Extract<Issue, { code: 'too_small' | 'too_big' }>,
  limit: number | bigint,
  small: boolean,
): string {
  if (issue.origin === 'string' && small && Number(limit) === 1) return 'must not be empty';
  if (issue.origin === 'array' && small && Number(limit) === 1) return 'must list at least one';
  const than = small ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than';
  if (issue.origin === 'string') return `must have ${than} ${limit} characters`;
  if (issue.origin === 'array') return `must have ${than} ${limit} items, not ${(issue.input as unknown[]).length}`;
  return `must be ${than} ${limit}, not ${shown(issue.input)}`;
}

/**
 * A zod error map that says what a value must be, and what it was, in plain words ("must be a whole number,
 * not the text "four"") instead of zod's ("Invalid input: expected int, received string"). A message a
 * schema writes itself outranks an error map in zod, so those stay as written; codes not named here keep
 * zod's own.
 */
export const zodInWords: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required, but missing';
      return `must be ${KIND[issue.expected] ?? issue.expected}, not ${shown(issue.input)}`;
    case 'too_small':
      return bound(issue, issue.minimum, true);
    case 'too_big':
      return bound(issue, issue.maximum, false);
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}, not ${JSON.stringify(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
    case 'invalid_union':
      return `is not of a form it takes (it is ${shown(issue.input)})`;
    default:
      return undefined;
  }
};

/** Where an issue is: `projects.smoke.concurrency`, `files[2]`. */
function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index ? '.' : ''}${String(key)}`))
    .join('');
}

/** One issue as one line: where, then what is wrong there. */
export function issueLine(issue: z.core.$ZodIssue): string {
  return `${issuePath(issue.path) || '(top level)'}: ${issue.message}`;
}
