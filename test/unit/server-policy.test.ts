import { describe, expect, it } from 'vitest';
import { imageAllowed } from '../../src/server/image-policy.js';
import { TokenBucket } from '../../src/server/rate-limit.js';

describe('imageAllowed', () => {
  it('allows everything without patterns and only matches with them', () => {
    expect(imageAllowed('anything', [])).toBe(true);
    expect(imageAllowed('registry.example/ci/runner:1', ['registry.example/ci/*'])).toBe(true);
    expect(imageAllowed('registry.example/other/runner', ['registry.example/ci/*'])).toBe(false);
    expect(imageAllowed('baleenXexample', ['baleen.example'])).toBe(false);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 100;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
  });
});
