import { describe, expect, it } from 'vitest';
import { closestNames } from '../../src/util/did-you-mean.js';

const FLAGS = ['--image', '--files', '--memory', '--retries', '--tags', '--timeout', '--concurrency', '--verbose'];

describe('closestNames', () => {
  it.each([
    ['--retry', ['--retries']],
    ['--retrie', ['--retries']],
    ['--imgae', ['--image']],
    ['--tag', ['--tags']],
    ['--concurency', ['--concurrency']],
    ['--bogus', []],
    ['--x', []],
  ])('%s → %j', (word, expected) => {
    expect(closestNames(word, FLAGS)).toEqual(expected);
  });

  it('never suggests the word itself, and finds images by name', () => {
    expect(closestNames('retries', ['retries', 'retry'])).toEqual(['retry']);
    expect(closestNames('shop-acceptance-runer', ['shop-acceptance-runner', 'node', 'postgres'])).toEqual([
      'shop-acceptance-runner',
    ]);
  });
});
