import type { Command } from 'commander';
import { ExitCode } from '../../errors/baleen-error.js';
import { everyCommand } from './commands.js';

/**
 * Commander checks required options before unknown ones, so `--imgae x` was reported as "--image not
 * specified" and the misspelling, the real mistake, went unnamed. The required options are checked here
 * instead, in a preAction hook, which commander runs after it has refused unknown options (and their
 * suggestion); the message and exit code stay commander's.
 */
export function checkRequiredOptionsAfterUnknownOnes(program: Command): void {
  for (const command of everyCommand(program)) {
    const required = command.options.filter((option) => option.mandatory);
    if (required.length === 0) continue;
    for (const option of required) option.mandatory = false;
    command.hook('preAction', (self) => {
      const missing = required.find((option) => self.getOptionValue(option.attributeName()) === undefined);
      if (missing)
        self.error(`error: required option '${missing.flags}' not specified`, {
          code: 'commander.missingMandatoryOptionValue',
          exitCode: ExitCode.usage,
        });
    });
  }
}
