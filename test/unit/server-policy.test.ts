import { describe, expect, it } from 'vitest';
import { imageAllowed } from '../../src/server/image-policy.js';
import { TokenBucket } from '../../src/server/rate-limit.js';
import { RunAdmission } from '../../src/server/run-admission.js';
import { RunSpecSchema } from '../../src/domain/run-spec.js';
import { FakeRuntime } from '../support/fake-runtime.js';

describe('imageAllowed', () => {
  it('allows everything without patterns and only matches with them', () => {
    expect(imageAllowed('anything', [])).toBe(true);
    expect(imageAllowed('registry.example/ci/runner:1', ['registry.example/ci/*'])).toBe(true);
    expect(imageAllowed('registry.example/other/runner', ['registry.example/ci/*'])).toBe(false);
    expect(imageAllowed('baleenxexample', ['baleen.example'])).toBe(false);
  });

  it('matches the parsed reference: no path tricks, no second spelling, no crossing of `/`', () => {
    expect(imageAllowed('baleen-x', ['baleen-*'])).toBe(true);
    expect(imageAllowed('docker.io/library/baleen-x:2', ['baleen-*'])).toBe(true);
    expect(imageAllowed('baleen-x', ['docker.io/library/baleen-*'])).toBe(true);
    expect(imageAllowed('baleen-x/../../y', ['baleen-*'])).toBe(false);
    expect(imageAllowed('..', ['*'])).toBe(false);
    expect(imageAllowed('..', [])).toBe(false);
    expect(imageAllowed('baleen-x/evil', ['baleen-*'])).toBe(false);
    expect(imageAllowed('evil.example/baleen-x', ['baleen-*'])).toBe(false);
  });

  it("matches a pattern's tag against the image's (latest when it names none); a digest needs a pattern without a tag", () => {
    expect(imageAllowed('baleen-x', ['baleen-*:latest'])).toBe(true);
    expect(imageAllowed('baleen-x:dev', ['baleen-*:latest'])).toBe(false);
    expect(imageAllowed('registry.example:5000/ci/x:1', ['registry.example:5000/ci/*:1'])).toBe(true);
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(imageAllowed(`baleen-x@${digest}`, ['baleen-*:latest'])).toBe(false);
    expect(imageAllowed(`baleen-x@${digest}`, ['baleen-*'])).toBe(true);
  });

  it('allows an image ID only by that ID', () => {
    const id = 'b'.repeat(64);
    expect(imageAllowed(id, ['baleen-*', '*'])).toBe(false);
    expect(imageAllowed(id, [id])).toBe(true);
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

describe('RunAdmission options', () => {
  it('refuses a run past its maxQueuedFeatures, given when it is made', async () => {
    const admission = new RunAdmission(new FakeRuntime(), 'server-1', { maxQueuedFeatures: 2, allowedImages: ['img'] });
    const spec = (features: string[]) => RunSpecSchema.parse({ image: 'img', features, concurrency: 1 });
    await expect(admission.prepare(spec(['a', 'b', 'c']))).rejects.toThrow(/this run's 3 would pass its limit of 2/);
    await expect(admission.prepare(spec(['a', 'b']))).resolves.toMatchObject({ runId: expect.any(String) });
    // An image outside allowedImages is refused by the same options object.
    await expect(
      admission.prepare(RunSpecSchema.parse({ image: 'other', features: ['a'], concurrency: 1 })),
    ).rejects.toThrow(/image "other" is not allowed/);
  });
});
