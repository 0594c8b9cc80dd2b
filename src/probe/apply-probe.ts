import { takesPlugins, PLUGINS_SINCE } from '../cucumber-cli/only-given.js';
import type { ImageProbe } from '../domain/image-probe.js';
import type { RunSpec } from '../domain/run-spec.js';
import { missingFeatureError } from '../attempt/missing-feature.js';
import { BaleenError } from '../errors/baleen-error.js';
import { plural } from '../util/text.js';
import type { ProbeOutcome } from './run-probe.js';

/** What the probe changes about a run before its first container starts. */
export interface ProbeFindings {
  /** The run to dispatch: what each feature must run, `{only}` on when needed, stale features taken out. */
  spec: RunSpec;
  /** Features settled before the run, as errors: the image's copy of them (or of their code) is not the local one. */
  stale: { file: string; error: string }[];
  /** Lines the client is told once, with the run (why the image was not asked). */
  notes: string[];
}

/**
 * Turns the image's answer into the run: each feature is expected to run the scenarios cucumber-js with the
 * suite's own configuration would run of it (its profile's tags, never a scenario the config leaves out),
 * under the strict mode it sets (`--no-strict`);
 * a config whose `paths` would make every container run the whole suite is kept to the given file by
 * `{only}`, or the run is refused at once; a file whose image copy differs from the client's makes its
 * features errors that say to rebuild the image. Without an answer the run goes by the client's parse, and
 * a note says why.
 */
export function applyProbe(spec: RunSpec, outcome: ProbeOutcome): ProbeFindings {
  if (outcome.kind === 'unprobed') {
    return {
      spec,
      stale: [],
      notes: [
        `the image was not asked what cucumber-js will run (${outcome.reason}): each feature must run every scenario baleen's own parser finds in it, and the suite's config is not read`,
      ],
    };
  }
  const { probe } = outcome;
  const stale = staleFeatures(spec, probe);
  const staleFiles = new Set(stale.map((entry) => entry.file));
  const features = spec.features.filter((file) => !staleFiles.has(file));
  const expectedScenarioLines = { ...spec.expectedScenarioLines };
  for (const file of features) {
    const probed = probe.features[file];
    if (probed !== undefined && probed.parseError === undefined)
      expectedScenarioLines[file] = withinSelection(spec.expectedScenarioLines[file], probed.lines);
  }
  return {
    spec: {
      ...spec,
      features,
      expectedScenarioLines,
      onlyGivenFiles: spec.onlyGivenFiles || keepsToGivenFiles(spec, probe),
      strict: probe.strict,
    },
    stale,
    notes: [],
  };
}

/**
 * What a feature must run: the scenarios cucumber-js with the suite's config runs of it, among those the client
 * selected (its filters: --tags, `path:LINE`, --last-failed, which under --split scenarios reach the server only
 * as these lines). A client that sent no lines selected the whole file.
 */
function withinSelection(selected: readonly number[] | undefined, runs: readonly number[]): number[] {
  if (selected === undefined) return [...runs];
  const chosen = new Set(selected);
  return runs.filter((line) => chosen.has(line));
}

/**
 * Whether `{only}` must keep each container to its files: the config names features beside them. A warm
 * worker (--isolation worker) hands cucumber-js its paths through the API, in place of the config's. Throws
 * when the command cannot be kept to them.
 */
function keepsToGivenFiles(spec: RunSpec, probe: ImageProbe): boolean {
  if (spec.isolation === 'worker' || !widens(spec, probe)) return false;
  const config = `${probe.configFile ?? 'its config'}${probe.profiles.length === 0 ? '' : ` (profile ${probe.profiles.join(', ')})`}`;
  const problem = `the suite's ${config} sets paths ${probe.configPaths.join(', ')}, which cucumber-js ${probe.cucumber} runs beside the file baleen hands each container: every container would run ${plural(probe.configFeatures.length, 'feature')}`;
  if (!spec.command.includes('{only}')) {
    throw new BaleenError('USAGE', problem, {
      hint: 'put {only} after {file} in --command (baleen then keeps cucumber-js to that file), or take paths out of that profile',
    });
  }
  if (!takesPlugins(probe.cucumber)) {
    throw new BaleenError('USAGE', problem, {
      hint: `take paths out of that profile, or upgrade @cucumber/cucumber to ${PLUGINS_SINCE.major}.${PLUGINS_SINCE.minor} or later (whose plugins {only} uses)`,
    });
  }
  return true;
}

/** The config's paths name a feature some container is not given. */
function widens(spec: RunSpec, probe: ImageProbe): boolean {
  if (probe.configFeatures.length === 0) return false;
  const alone = spec.features.length === 1 && spec.split !== 'scenarios' ? spec.features[0] : undefined;
  return probe.configFeatures.some((file) => file !== alone);
}

/**
 * The features whose image copy, or whose shared code and configuration, differ from the client's (by sha256),
 * each with the error it is settled with. Only files both sides hashed are compared; a feature the image
 * lacks is stale too.
 */
function staleFeatures(spec: RunSpec, probe: ImageProbe): { file: string; error: string }[] {
  const features = new Set(spec.features);
  const differs = (path: string) => {
    const local = spec.localHashes[path];
    return local !== undefined && probe.hashes[path] !== undefined && probe.hashes[path] !== local;
  };
  const shared = Object.keys(probe.hashes).filter((path) => !features.has(path) && differs(path));
  const rebuild = 'rebuild the image (it holds an older copy of the suite)';
  const hashedLocally = Object.keys(spec.localHashes).length > 0;
  return spec.features.flatMap((file) => {
    if (hashedLocally && probe.hashes[file] === undefined) {
      // Where it looked tells a tree the image never held (baleen run from another folder) from a new file.
      const error =
        probe.cwd === undefined ? `the image has no ${file}: ${rebuild}` : missingFeatureError(file, probe.cwd);
      return [{ file, error }];
    }
    if (differs(file)) return [{ file, error: `the image's copy of ${file} differs from the local file: ${rebuild}` }];
    if (shared.length > 0) return [{ file, error: `${sharedWords(shared)} differs from the local file: ${rebuild}` }];
    return [];
  });
}

function sharedWords(paths: readonly string[]): string {
  const named = paths.slice(0, 3).join(', ');
  const more = paths.length > 3 ? ` and ${paths.length - 3} more` : '';
  return `the image's copy of ${named}${more}, which every feature runs,`;
}
