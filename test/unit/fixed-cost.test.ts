import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleOptions } from '../../scripts/bundle-cli.mjs';
import { DEFERRED_MODULES, Dockerode } from '../../src/runtime/docker/dockerode.js';
import { LoadWhileRunning } from '../../src/reporters/load-while-running.js';

const require = createRequire(import.meta.url);
const loaded = (pattern: RegExp) => Object.keys(require.cache).filter((path) => pattern.test(path));
/** What no run loads before its first container: the packages of a build, a tar, YAML, XML, HTML or a live display. */
const NOT_IN_A_RUN =
  /node_modules\/(@grpc|protobufjs|ssh2|tar-stream|yaml|xmlbuilder2|cucumber-html-reporter|lodash|serve-static|prom-client|@opentelemetry|log-update)\//;

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
    expect(loaded(NOT_IN_A_RUN)).toEqual([]);
    // Transforming and importing the whole CLI took 4.5 to 5.1 s on a loaded 2-core machine: past vitest's
    // default 5 s. What this checks is what gets loaded, not how fast.
  }, 60_000);
});

describe('the bundled CLI (dist/bundle/, what bin/baleen.js runs)', () => {
  /** The bundle's files a run loads: the entry, the chunks a run imports, and every chunk they import, statically. */
  function filesOfARun({ outputs }: Metafile): string[] {
    const chunkOf = new Map(Object.entries(outputs).map(([file, output]) => [output.entryPoint, file]));
    // What a run imports when it runs: its handler's run-suite, the embedded server and the docker runtime.
    const imported = [
      'src/cli/main.ts',
      'src/client/run-suite.ts',
      'src/client/embedded-server.ts',
      'src/runtime/docker/engine-connection.ts',
      'src/runtime/docker/docker-runtime.ts',
    ];
    const files = new Set<string>();
    const visit = (file: string) => {
      if (files.has(file)) return;
      files.add(file);
      for (const { path, kind, external } of outputs[file]!.imports)
        if (kind === 'import-statement' && !external) visit(path);
    };
    for (const source of imported) {
      expect(chunkOf.has(source), `${source} is a chunk of its own`).toBe(true);
      visit(chunkOf.get(source)!);
    }
    return [...files];
  }

  it('a run loads a few dozen of its files, with no gRPC, ssh2, tar, YAML, XML, HTML or live display in them', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const { metafile } = await build({ ...bundleOptions(root), write: false, metafile: true, logLevel: 'error' });
    const files = filesOfARun(metafile);
    const inputs = files.flatMap((file) => Object.keys(metafile.outputs[file]!.inputs));
    // About 500 modules (220 of baleen's, 95 of zod) in 59 files, where tsc's build loaded a file per module.
    expect(inputs.length).toBeGreaterThan(300);
    expect(files.length).toBeLessThan(80);
    expect(inputs.filter((input) => NOT_IN_A_RUN.test(input))).toEqual([]);
    // They are in the bundle, each in a chunk of its own that only the code using it imports.
    const everything = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    for (const name of ['xmlbuilder2', 'yaml'])
      expect(everything.some((input) => input.includes(`node_modules/${name}/`))).toBe(true);
    // A package imported with `await import()` is Node's to load, with its named exports: esbuild gave a
    // CommonJS one its default export only, and `const { isCI } = await import('ci-info')` was undefined.
    const dynamic = Object.values(metafile.outputs).flatMap((output) =>
      output.imports.filter(({ kind, external }) => kind === 'dynamic-import' && external).map(({ path }) => path),
    );
    expect(dynamic).toEqual(expect.arrayContaining(['ci-info', 'tar-stream', 'log-update']));
    // Only imported so: not in the bundle at all (ci-info is, for the CI reporters' static import).
    expect(everything.filter((input) => /node_modules\/(tar-stream|log-update)\//.test(input))).toEqual([]);
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
