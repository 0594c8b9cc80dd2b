import { shellQuote } from '../util/shell-quote.js';

/** What the container's shell prints on stderr for a feature file its working directory does not hold. */
const NO_SUCH_FEATURE = 'baleen: the image has no feature file';

/**
 * A line of the feature's script that says, on stderr, when the image lacks the file at the path the run gives
 * (relative to the command's working directory): cucumber-js itself would just run no scenario of it.
 */
export function featurePresenceCheck(file: string): string {
  const path = shellQuote(file);
  return `[ -e ${path} ] || printf '%s %s under %s\\n' '${NO_SUCH_FEATURE}' ${path} "$PWD" >&2`;
}

/**
 * Why a feature did not run when the container said its image lacks the file: where it looked, and the fix (run
 * baleen from the folder the image holds, as `cd features && baleen --files a.feature` does not). The line
 * decides no status, only the words of an error the report already makes (it names no such feature).
 */
export function missingFeatureProblem(stderrTail: string, file: string): string | undefined {
  const prefix = `${NO_SUCH_FEATURE} ${file} under `;
  const line = stderrTail.split('\n').find((each) => each.startsWith(prefix));
  if (line === undefined) return undefined;
  return missingFeatureError(file, line.slice(prefix.length).trimEnd() || '/');
}

/** The error of a feature its image lacks at `dir` (the command's working directory there), and the fix. */
export function missingFeatureError(file: string, dir: string): string {
  const inImage = `${dir.replace(/\/+$/, '')}/${file}`;
  return `the image has no ${inImage} (${file} under the working directory ${dir}): run baleen from the folder the image holds as ${dir}, so that --files names the same paths in both, or build the image with it`;
}
