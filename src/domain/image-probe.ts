import { z } from 'zod';

const path = z.string().min(1).max(4096);
export const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex');

/** What cucumber-js would run of one feature the run hands it: the scenarios' lines, or why none. */
const ProbedFeatureSchema = z.strictObject({
  /** Each pickle cucumber-js keeps (its config's and the command's tags and names applied), at its line. */
  lines: z.array(z.number().int().positive()).max(1_000_000),
  /** The image's copy does not parse (cucumber-js's own message). */
  parseError: z.string().max(65_536).optional(),
});

/**
 * What the image probe (src/probe/probe-program.mjs) says cucumber-js would do in the suite's image with the
 * suite's own command, without running a step. It crosses a process boundary (the container's stderr) and is
 * validated here.
 */
export const ImageProbeSchema = z.strictObject({
  /** The version of the @cucumber/cucumber the suite's command runs. */
  cucumber: z.string().max(64),
  /** The working directory the command runs in, in the image (where a feature path is looked up). */
  cwd: z.string().max(4096).optional(),
  /** The configuration file it reads (relative to the working directory), if any. */
  configFile: path.optional(),
  /** The profiles the command names (none: `default`). */
  profiles: z.array(z.string().max(1024)).max(100),
  /** The `paths` the profiles set: cucumber-js 8 to 13 adds them to the paths of the command line. */
  configPaths: z.array(z.string().max(4096)).max(10_000),
  /** The feature files those paths name, relative to the working directory. */
  configFeatures: z.array(path).max(1_000_000),
  /** The tag expression cucumber-js filters by (the profiles' and the command's, joined). */
  tags: z.string().max(65_536),
  /** False when the profiles or the command say `--no-strict`: pending steps do not fail the run (undefined ones do). */
  strict: z.boolean(),
  /** Each feature of the run; absent when the image has no such file. */
  features: z.record(path, ProbedFeatureSchema.optional()),
  /** sha256 of each file it read (the features, the support code, the configuration), by path. */
  hashes: z.record(path, Sha256Schema),
});
export type ImageProbe = z.infer<typeof ImageProbeSchema>;
