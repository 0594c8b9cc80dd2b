import { ENV_NAME } from '../domain/run-option-fields.js';
import { BaleenError } from '../errors/baleen-error.js';

/**
 * Parses `--env` values as a container engine's `run -e` does: `KEY=VALUE` sets a value (which may itself contain `=`),
 * a bare `KEY` passes this process's value through.
 */
export function parseEnvOptions(
  values: readonly string[],
  processEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of values) {
    const equals = value.indexOf('=');
    const key = equals < 0 ? value : value.slice(0, equals);
    if (!ENV_NAME.test(key)) {
      throw new BaleenError('USAGE', `--env ${JSON.stringify(value)} is not KEY=VALUE`, {
        hint: 'use --env NAME=value (a name of letters, digits and _, not starting with a digit)',
      });
    }
    if (equals >= 0) {
      env[key] = value.slice(equals + 1);
      continue;
    }
    const inherited = processEnv[key];
    if (inherited === undefined) {
      throw new BaleenError('USAGE', `--env ${key} names a variable that is not set here`, {
        hint: `set ${key} or pass --env ${key}=value`,
      });
    }
    env[key] = inherited;
  }
  return env;
}
