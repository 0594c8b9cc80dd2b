import { describe, expect, it } from 'vitest';
import { parseImageReference } from '../../src/domain/image-reference.js';
import { RunSpecSchema } from '../../src/domain/run-spec.js';

describe('parseImageReference (the distribution reference grammar)', () => {
  it.each([
    ['baleen-example', 'docker.io/library/baleen-example', 'baleen-example'],
    ['ubuntu:22.04', 'docker.io/library/ubuntu', 'ubuntu'],
    ['someone/suite', 'docker.io/someone/suite', 'someone/suite'],
    ['docker.io/library/ubuntu', 'docker.io/library/ubuntu', 'ubuntu'],
    ['index.docker.io/ubuntu', 'docker.io/library/ubuntu', 'ubuntu'],
    ['registry.example:5000/ci/suite:1.2', 'registry.example:5000/ci/suite', 'registry.example:5000/ci/suite'],
    ['localhost/suite', 'localhost/suite', 'localhost/suite'],
    ['a__b.c-d---e', 'docker.io/library/a__b.c-d---e', 'a__b.c-d---e'],
  ])('reads %s as %s', (text, name, familiarName) => {
    const parsed = parseImageReference(text);
    expect(parsed).toMatchObject({ ok: true, reference: { name, familiarName } });
  });

  it('keeps the tag and the digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`r.example/x:1@${digest}`)).toEqual({
      ok: true,
      reference: { name: 'r.example/x', familiarName: 'r.example/x', tag: '1', digest },
    });
  });

  it('takes image IDs', () => {
    expect(parseImageReference('f'.repeat(64))).toEqual({ ok: true, imageId: 'f'.repeat(64) });
    expect(parseImageReference(`sha256:${'0'.repeat(64)}`)).toEqual({ ok: true, imageId: `sha256:${'0'.repeat(64)}` });
  });

  it.each([
    '..',
    '.',
    '../../etc',
    'baleen-x/../../y',
    'a/./b',
    '/abs',
    'x:',
    ':tag',
    'x@sha256:short',
    'a//b',
    '-a',
    'a-',
    'a b',
    'a\u0000',
    '',
    `${'a'.repeat(256)}`,
    `x:${'t'.repeat(129)}`,
    '%2e%2e',
    'a?b',
    'a#b',
  ])('refuses %j', (text) => {
    expect(parseImageReference(text).ok).toBe(false);
  });

  it('says why an upper-case name is refused', () => {
    expect(parseImageReference('Ubuntu')).toEqual({ ok: false, reason: 'the repository name must be lowercase' });
  });

  it('is part of the run spec: a client cannot send anything else as the image', () => {
    const result = RunSpecSchema.safeParse({ image: 'baleen-x/../../y', features: ['a.feature'], concurrency: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(
      /^"baleen-x\/\.\.\/\.\.\/y" is not an image reference; expected an image reference/,
    );
  });
});
