// baleen's image probe: runs once per run inside the suite's image, in place of cucumber-js in the suite's own
// command (same arguments, environment, working directory and before-command), and says what cucumber-js would
// really do there, without running a step: the configuration it resolves (its file, profiles, the profiles'
// paths, tag expression and strict), the scenarios it would run of each feature baleen hands it (their lines),
// and a content hash of each feature, support and configuration file it would read, to compare with the
// client's copies. Plain JavaScript with no dependency of its own: baleen sends its text in
// BALEEN_PROBE_PROGRAM (run by `node --input-type=module -e`), with find-cucumber.mjs and cucumber-argv.mjs
// appended.
//
// In:  argv                 what the suite's command passes cucumber-js, without the feature paths
//      BALEEN_PROBE_REQUEST base64 of gzipped JSON {"nonce": "…", "features": [{"file": "features/a.feature",
//                           "argument": "./features/a.feature"}]}: each feature and the argument that names
//                           exactly it to cucumber-js (globs escaped)
// Out: stderr, framed as src/attempt/report-channel.ts reads it (label `probe`), one JSON object: see
//      src/domain/image-probe.ts. Anything else the suite's config prints goes to the streams as usual.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';

const request = JSON.parse(gunzipSync(Buffer.from(process.env.BALEEN_PROBE_REQUEST ?? '', 'base64')).toString());

/** A path as cucumber-js names a feature (its uri): relative to the working directory, with `/`. */
function inTree(path) {
  const inside = relative(process.cwd(), resolve(process.cwd(), path));
  return inside.startsWith('..') || isAbsolute(inside) ? undefined : inside.split(sep).join('/');
}

async function sha256(path) {
  try {
    return createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  } catch {
    return undefined;
  }
}

/** cucumber-js moved its path resolution between majors: lib/paths (11+), lib/api/paths (8 to 10). */
function pathResolver(cucumber) {
  for (const file of ['lib/paths/index.js', 'lib/api/paths.js']) {
    try {
      return cucumber.load(file).resolvePaths;
    } catch {
      // the next place
    }
  }
  return undefined;
}

/**
 * loadConfiguration and loadSources from their own modules (cucumber-js 8 to 13): the whole API also loads the
 * runtime and the formatters, which cost the probe about a quarter of its time (measured in the runner image).
 */
function sourcesApi(cucumber) {
  try {
    const { loadConfiguration } = cucumber.load('lib/api/load_configuration.js');
    const { loadSources } = cucumber.load('lib/api/load_sources.js');
    if (typeof loadConfiguration === 'function' && typeof loadSources === 'function')
      return { loadConfiguration, loadSources };
  } catch {
    // laid out otherwise: the public entry point
  }
  return cucumber.load('lib/api/index.js');
}

async function probe() {
  const cucumber = findCucumber({ createRequire, join, dirname });
  const api = sourcesApi(cucumber);
  const { options, provided, coordinates } = cucumberArguments(cucumber, process.argv.slice(1));
  // Its warnings (the merged paths) are the feature containers' to print, not the probe's.
  const quiet = new PassThrough().resume();
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BALEEN_PROBE_')));
  const environment = { cwd: process.cwd(), env, stdout: quiet, stderr: quiet };
  // The profiles alone (what {only} cannot change), then with the command line's options, as cucumber-js merges them.
  const profiles = await api.loadConfiguration(coordinates, environment);
  const resolved = await api.loadConfiguration({ ...coordinates, provided: { ...provided, paths: [] } }, environment);
  const { sources, support } = resolved.runConfiguration;
  const configPaths = profiles.useConfiguration.paths ?? [];
  const features = request.features;
  const { shard: _ignored, ...unsharded } = sources;
  const planned = await api.loadSources(
    { ...unsharded, paths: features.map((feature) => feature.argument) },
    environment,
  );
  const resolvePaths = pathResolver(cucumber);
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  const configured =
    configPaths.length > 0 && resolvePaths
      ? await resolvePaths(logger, process.cwd(), { ...sources, paths: configPaths })
      : undefined;
  const loaded = resolvePaths
    ? await resolvePaths(
        logger,
        process.cwd(),
        { ...sources, paths: [...configPaths, ...features.map((feature) => feature.argument)] },
        support,
      )
    : undefined;
  const configFeatures = (configured?.sourcePaths ?? configured?.featurePaths ?? []).flatMap(
    (path) => inTree(path) ?? [],
  );

  const byUri = new Map(features.map((feature) => [inTree(feature.file), { lines: [] }]));
  for (const pickle of planned.plan) byUri.get(pickle.uri)?.lines.push(pickle.location.line);
  for (const error of planned.errors) {
    const entry = byUri.get(error.uri);
    if (entry) entry.parseError = error.message;
  }
  const configFile =
    options.config ?? cucumber.load('lib/configuration/locate_file.js').locateFile?.(process.cwd()) ?? undefined;
  const hashed = [
    ...features.map((feature) => feature.file),
    ...(loaded ? [...(loaded.requirePaths ?? []), ...(loaded.importPaths ?? [])] : []),
    ...(configFile ? [configFile] : []),
  ].flatMap((path) => inTree(path) ?? []);
  const hashes = {};
  for (const path of new Set(hashed)) {
    const hash = await sha256(join(process.cwd(), path));
    if (hash !== undefined) hashes[path] = hash;
  }
  return {
    cucumber: cucumber.version,
    cwd: process.cwd(),
    ...(configFile ? { configFile: inTree(configFile) ?? configFile } : {}),
    profiles: coordinates.profiles,
    configPaths,
    configFeatures,
    tags: sources.tagExpression ?? '',
    strict: resolved.useConfiguration.strict !== false,
    features: Object.fromEntries(features.map((feature) => [feature.file, byUri.get(inTree(feature.file))])),
    hashes,
  };
}

async function say(text) {
  if (!process.stderr.write(text)) await new Promise((done) => process.stderr.once('drain', done));
}

probe().then(
  async (answer) => {
    await say(`\nbaleen-probe-${request.nonce}-begin\n${JSON.stringify(answer)}\nbaleen-probe-${request.nonce}-end\n`);
    process.exit(0);
  },
  async (error) => {
    await say(`baleen probe: ${error?.message ?? error}\n`);
    process.exit(2);
  },
);
