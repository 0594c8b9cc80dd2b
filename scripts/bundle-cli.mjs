// `npm run build`'s second step: the CLI as one bundle (dist/bundle/), what bin/baleen.js runs. tsc's dist/ is
// the same code a file per module: a run loaded about 190 of them (baleen's and its dependencies') before its
// first container, each resolved, read and compiled on its own. In the bundle the entry holds what every
// command needs, and each `await import()` of the sources (a command's handler, the embedded server, a
// reporter's XML or HTML builder) stays a chunk of its own, loaded only when that code runs (docs/speed.md;
// test/unit/fixed-cost.test.ts checks what a run loads of it).
import { copyFile, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** esbuild's options for the bundle of the repository at `root`. */
export function bundleOptions(root) {
  return {
    entryPoints: [join(root, 'src/cli/main.ts')],
    outdir: join(root, 'dist/bundle'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // dockerode stays a module of its own: src/runtime/docker/dockerode.ts keeps its BuildKit, ssh and tar
    // parts out of a run by putting stand-ins for them in Node's require cache, by their paths.
    external: ['dockerode'],
    // The bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: {
      js: "import { createRequire as __baleenCreateRequire } from 'node:module'; const require = __baleenCreateRequire(import.meta.url);",
    },
    plugins: [dynamicImportsStayPackages],
    logLevel: 'warning',
  };
}

/**
 * A package the sources load with `await import()` (ci-info, tar-stream, log-update, …) stays Node's to load,
 * as in tsc's build: it is loaded only when that code runs anyway, and esbuild would give a CommonJS package's
 * dynamic import its default export only (`const { isCI } = await import('ci-info')` was undefined).
 */
const dynamicImportsStayPackages = {
  name: 'dynamic-imports-stay-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, ({ path, kind }) =>
      kind === 'dynamic-import' ? { path, external: true } : undefined,
    );
  },
};

async function bundle(root) {
  const options = bundleOptions(root);
  await rm(options.outdir, { recursive: true, force: true });
  await build(options);
  // The programs baleen runs inside a suite's container (the probe, the warm worker, find-cucumber.mjs they
  // share) are read as text from beside the module that reads them: beside the bundle's chunks too. tsc's
  // copies, so that both builds send the same text (the probe's kept answers are keyed by it).
  const programs = (await readdir(join(root, 'dist'), { recursive: true }))
    .filter((path) => path.endsWith('.mjs') && !path.startsWith('bundle/'))
    .map((path) => join(root, 'dist', path));
  const names = programs.map((path) => basename(path));
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (twice.length > 0) throw new Error(`bundle-cli: two programs named ${twice.join(', ')}: rename one`);
  await Promise.all(programs.map((path) => copyFile(path, join(options.outdir, basename(path)))));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await bundle(new URL('..', import.meta.url).pathname);
