import { describe, expect, it } from 'vitest';
import { RunSpecSchema } from '../../src/domain/run-spec.js';
import { OutsideRootError, relativePathProblem, resolveInside } from '../../src/util/inside-root.js';

describe('resolveInside: the one rule for a written file whose name came from elsewhere', () => {
  it('resolves a relative path inside the root', () => {
    expect(resolveInside('/data/runs', 'a/b.txt')).toBe('/data/runs/a/b.txt');
    expect(resolveInside('/data/runs/', 'a/./b.txt')).toBe('/data/runs/a/b.txt');
  });

  it.each([
    '../x',
    'a/../../x',
    '/etc/passwd',
    '../../../../../../../tmp/x/x.feature',
    '',
    '.',
    'a/..',
    'a\u0000b',
    '../runs-other/x',
  ])('refuses %j', (path) => {
    expect(() => resolveInside('/data/runs', path)).toThrow(OutsideRootError);
  });
});

describe('feature paths at the protocol edge (issue 19, item 1)', () => {
  const spec = (feature: string) => RunSpecSchema.safeParse({ image: 'x', features: [feature], concurrency: 1 });

  it.each([
    ['../../../../../../../tmp/x/x.feature', /climbs out/],
    ['/etc/x.feature', /absolute/],
    ['a\u0000b.feature', /NUL/],
    ['a//b.feature', /not normalized/],
    ['./a.feature', /not normalized/],
    ['features/./a.feature', /not normalized/],
    ['features/', /not normalized/],
  ])('refuses %j', (feature, why) => {
    const parsed = spec(feature);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toMatch(why);
    expect(relativePathProblem(feature)).toMatch(why);
  });

  it.each(['a.feature', 'features/deep/a b.feature', 'café ünïcode.feature', '..a.feature', 'a..b/c.feature'])(
    'takes %j',
    (feature) => {
      expect(spec(feature).success).toBe(true);
    },
  );
});
