import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFERRED_MODULES, Dockerode } from '../../src/runtime/docker/dockerode.js';
import { LoadWhileRunning } from '../../src/reporters/load-while-running.js';

const require = createRequire(import.meta.url);
const loaded = (pattern: RegExp) => Object.keys(require.cache).filter((path) => pattern.test(path));

describe('what a run loads before its first container', () => {
  it('everything the CLI and a run import: no gRPC, ssh2, tar, YAML, XML or HTML template engine', async () => {
    await import('../../src/cli/main.js');
    await import('../../src/cli/handlers.js');
    await import('../../src/client/run-suite.js');
    const { startEmbeddedServer } = await import('../../src/client/embedded-server.js');
    // The embedded server itself, started (on an engine that is not there: nothing here needs one) and closed.
    const server = await startEmbeddedServer(
      { runtime: 'docker', dockerHost: 'unix:///nonexistent/docker.sock' },
      false,
      1,
    );
    await server.close();
    expect(
      loaded(
        /node_modules\/(@grpc|protobufjs|ssh2|tar-stream|yaml|xmlbuilder2|cucumber-html-reporter|lodash|serve-static|prom-client|@opentelemetry)\//,
      ),
    ).toEqual([]);
    // Transforming and importing the whole CLI took 4.5 to 5.1 s on a loaded 2-core machine: past vitest's
    // default 5 s. What this checks is what gets loaded, not how fast.
  }, 60_000);
});

describe('dockerode without the parts a run never calls', () => {
  it('loads no gRPC, ssh2 or tar implementation, and still works as dockerode', () => {
    expect(typeof Dockerode).toBe('function');
    expect(
      (new Dockerode({ socketPath: '/nonexistent.sock' }).modem as unknown as { socketPath: string }).socketPath,
    ).toBe('/nonexistent.sock');
    expect(loaded(/node_modules\/(@grpc|protobufjs|ssh2|tar-stream)\//)).toEqual([]);
  });

  it('loads a deferred module on its first call, and the real one answers', async () => {
    const tarFs = DEFERRED_MODULES.find(({ path }) => path.includes('tar-fs'))!;
    const { pack } = require(tarFs.path) as { pack: (dir: string) => NodeJS.ReadableStream };
    const dir = await mkdtemp(join(tmpdir(), 'baleen-deferred-'));
    try {
      await writeFile(join(dir, 'a.txt'), 'hello');
      const chunks: Buffer[] = [];
      for await (const chunk of pack(dir)) chunks.push(chunk as Buffer);
      // A tar archive ("ustar" at offset 257 of its first header) holding the file and its bytes.
      const archive = Buffer.concat(chunks);
      expect(archive.includes('a.txt')).toBe(true);
      expect(archive.includes('hello')).toBe(true);
      expect(archive.subarray(257, 262).toString()).toBe('ustar');
      expect(loaded(/node_modules\/tar-stream\//).length).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('LoadWhileRunning', () => {
  const change = (state: 'creating' | 'running') => ({ file: 'a.feature', attempt: 1, state, at: 0 });

  it('starts loading when the first container runs, once', async () => {
    let loads = 0;
    const module = new LoadWhileRunning(async () => ++loads);
    module.onFeatureState(change('creating'));
    expect(loads).toBe(0);
    module.onFeatureState(change('running'));
    module.onFeatureState(change('running'));
    expect(await module.get()).toBe(1);
    expect(loads).toBe(1);
  });

  it('loads on get() when no container ran, and a failure to load reaches the caller', async () => {
    const module = new LoadWhileRunning(() => Promise.reject(new Error('no such module')));
    module.onFeatureState(change('running')); // no unhandled rejection from here
    await expect(module.get()).rejects.toThrow('no such module');
  });
});
