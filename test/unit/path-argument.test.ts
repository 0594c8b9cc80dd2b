import { describe, expect, it } from 'vitest';
import { cucumberPathArgument } from '../../src/cucumber-cli/path-argument.js';
import { RunSpecSchema } from '../../src/domain/run-spec.js';

describe('cucumberPathArgument', () => {
  it.each([
    ['features/plain.feature', './features/plain.feature'],
    ['features/a[1].feature', './features/a[[]1[]].feature'],
    ['features/b*.feature', './features/b[*].feature'],
    ['features/c{report}.feature', './features/c[{]report[}].feature'],
    ['features/@rerun.feature', './features/[@]rerun.feature'],
    ['-dash.feature', './-dash.feature'],
    ['features/!(x)+y?.feature', './features/![(]x[)]+y[?].feature'],
    ['/abs/p.feature', '/abs/p.feature'],
  ])('gives %s as %s', (path, argument) => {
    expect(cucumberPathArgument(path)).toEqual({ ok: true, argument });
  });

  it.each([
    ['features/back\\slash.feature', /`\\` in a path as a folder separator/],
    ['features/d{x,y}.feature', /expands `\{…,…\}`/],
    ['features/r{1..3}.feature', /expands `\{…,…\}`/],
    ['features/lines.feature:12', /trailing `:NUMBER`/],
  ])('refuses %s, saying why', (path, reason) => {
    const argument = cucumberPathArgument(path);
    expect(argument.ok).toBe(false);
    if (!argument.ok) expect(argument.reason).toMatch(reason);
  });

  it('makes the run spec refuse such a path, naming it and the fix', () => {
    const parsed = RunSpecSchema.safeParse({ image: 'x', features: ['ok.feature', 'a\\b.feature'], concurrency: 1 });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['features', 1]);
    expect(parsed.error!.issues[0]!.message).toMatch(/^"a\\\\b.feature" cannot be run as is: .*; rename the file$/);
  });
});
