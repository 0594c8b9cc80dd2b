import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageProbe } from '../../src/domain/image-probe.js';
import { RunSpecSchema, type RunSpec } from '../../src/domain/run-spec.js';
import { ProbeCache } from '../../src/probe/probe-cache.js';
import type { ProbeOutcome } from '../../src/probe/run-probe.js';

const specOf = (fields: Partial<RunSpec> = {}): RunSpec =>
  RunSpecSchema.parse({ image: 'img', features: ['features/a.feature'], concurrency: 1, ...fields });

const PROBE: ImageProbe = {
  cucumber: '12.9.0',
  profiles: [],
  configPaths: [],
  configFeatures: [],
  tags: '',
  strict: true,
  features: { 'features/a.feature': { lines: [3] } },
  hashes: {},
};

/** A probe that counts how often it is asked and answers `outcome`. */
function asker(outcome: ProbeOutcome = { kind: 'probed', probe: PROBE, ms: 5000 }) {
  const ask = { count: 0, run: async () => (ask.count++, outcome) };
  return ask;
}

afterEach(() => {
  delete process.env.BALEEN_PROBE;
});

describe('the image probe answers kept by the server', () => {
  it('asks the image once for the same image and inputs; the kept answer says so', async () => {
    const cache = new ProbeCache();
    const ask = asker();
    const first = await cache.answer('sha256:1', specOf(), ask.run);
    const second = await cache.answer('sha256:1', specOf(), ask.run);
    expect(ask.count).toBe(1);
    expect(first).toMatchObject({ kind: 'probed', ms: 5000 });
    expect(first).not.toHaveProperty('cached');
    expect(second).toMatchObject({ kind: 'probed', probe: PROBE, cached: true });
  });

  it('asks again for another image id (a rebuild under the same tag) or any other input of the probe', async () => {
    const cache = new ProbeCache();
    const ask = asker();
    await cache.answer('sha256:1', specOf(), ask.run);
    const changed: [string, Partial<RunSpec>][] = [
      ['sha256:2', {}],
      ['sha256:1', { command: 'cucumber-js {file} -p ci --format json:{report}' }],
      ['sha256:1', { beforeCommand: 'export A=1' }],
      ['sha256:1', { env: { A: '1' } }],
      ['sha256:1', { workDir: '/other' }],
      ['sha256:1', { tags: '@fast' }],
      ['sha256:1', { reportPath: '/tmp/other.json' }],
      ['sha256:1', { features: ['features/a.feature', 'features/b.feature'] }],
      ['sha256:1', { selectedLines: { 'features/a.feature': [3] } }],
    ];
    for (const [imageId, fields] of changed) await cache.answer(imageId, specOf(fields), ask.run);
    expect(ask.count).toBe(1 + changed.length);
    // What does not reach the probe's container asks nothing: a run's concurrency, its local hashes.
    await cache.answer(
      'sha256:1',
      specOf({ concurrency: 4, localHashes: { 'features/a.feature': 'a'.repeat(64) } }),
      ask.run,
    );
    expect(ask.count).toBe(1 + changed.length);
  });

  it('keeps no probe that did not answer, asks without an image id, and never with BALEEN_PROBE=off', async () => {
    const cache = new ProbeCache();
    const failing = asker({ kind: 'unprobed', reason: 'it did not answer within 60 s', ms: 60_000 });
    await cache.answer('sha256:1', specOf(), failing.run);
    await cache.answer('sha256:1', specOf(), failing.run);
    expect(failing.count).toBe(2);

    const ask = asker();
    await cache.answer(undefined, specOf(), ask.run);
    await cache.answer(undefined, specOf(), ask.run);
    expect(ask.count).toBe(2);

    await cache.answer('sha256:1', specOf(), ask.run);
    process.env.BALEEN_PROBE = 'off';
    const off = asker({ kind: 'unprobed', reason: 'BALEEN_PROBE=off', ms: 0 });
    expect(await cache.answer('sha256:1', specOf(), off.run)).toMatchObject({ kind: 'unprobed' });
    expect(off.count).toBe(1);
  });

  it('shares one probe between two runs asking at once', async () => {
    const cache = new ProbeCache();
    let release: () => void = () => undefined;
    let count = 0;
    const slow = () => {
      count++;
      return new Promise<ProbeOutcome>((resolve) => {
        release = () => resolve({ kind: 'probed', probe: PROBE, ms: 10 });
      });
    };
    const both = Promise.all([cache.answer('sha256:1', specOf(), slow), cache.answer('sha256:1', specOf(), slow)]);
    release();
    const [first, second] = await both;
    expect(count).toBe(1);
    expect(first.kind).toBe('probed');
    expect(second).toMatchObject({ kind: 'probed', cached: true });
  });
});

describe("the answers kept in a file, for the next run's embedded server", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const fileIn = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baleen-probe-answers-'));
    dirs.push(dir);
    return join(dir, '.baleen', 'probe-answers.json');
  };

  it('answers the next server from the file: no probe for the same image and inputs, one for another image', async () => {
    const file = await fileIn();
    const ask = asker();
    await new ProbeCache(file).answer('sha256:1', specOf(), ask.run);
    expect(ask.count).toBe(1);
    const next = new ProbeCache(file);
    expect(await next.answer('sha256:1', specOf(), ask.run)).toMatchObject({
      kind: 'probed',
      probe: PROBE,
      cached: true,
    });
    expect(ask.count).toBe(1);
    await next.answer('sha256:2', specOf(), ask.run);
    expect(ask.count).toBe(2);
    // Both answers are in the file now, for the run after.
    expect(Object.keys(JSON.parse(await readFile(file, 'utf8')) as object)).toHaveLength(2);
  });

  it('keeps no answer that was none, and asks when the file holds something else', async () => {
    const file = await fileIn();
    const ask = asker({ kind: 'unprobed', reason: 'no node in the image', ms: 10 });
    await new ProbeCache(file).answer('sha256:1', specOf(), ask.run);
    await new ProbeCache(file).answer('sha256:1', specOf(), ask.run);
    expect(ask.count).toBe(2);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ nothing: 'of ours' }));
    const probed = asker();
    await new ProbeCache(file).answer('sha256:1', specOf(), probed.run);
    expect(probed.count).toBe(1);
  });
});
