import type { Command } from 'commander';
import { COMMAND_EXIT_CODES, EXIT_CODE_MEANINGS } from '../../errors/exit-code-meanings.js';

const CUCUMBER_EXAMPLES = [
  'baleen cucumber --image my-runner --files features/',
  'baleen cucumber --image my-runner --files features/checkout.feature --concurrency 4 --retries 1',
  'baleen cucumber --image my-runner --files features/ --tags "@smoke and not @slow" --timeout 5m',
  'baleen cucumber --image my-runner --files features/ --shard 2/4 --plan baleen-plan.json --report-dir shard-2',
];

const EXAMPLES: Record<string, string[]> = {
  baleen: [
    CUCUMBER_EXAMPLES[0]!,
    'baleen project example',
    'baleen merge shard-1 shard-2 --report-dir baleen-report',
    'baleen init',
  ],
  cucumber: CUCUMBER_EXAMPLES,
  project: ['baleen project example', 'baleen project smoke --config ci/baleen.yml --concurrency 8'],
  plan: [
    'baleen plan suite --shards 4 --out baleen-plan.json',
    'baleen plan --files features/ --tags @smoke --shards 2',
  ],
  merge: ['baleen merge shard-1 shard-2 shard-3 shard-4 --report-dir baleen-report --timings .baleen/timings.json'],
  server: [
    'baleen server --port 5533',
    'BALEEN_TOKEN=secret baleen server --host 0.0.0.0 --data-dir /var/lib/baleen --keep 50',
  ],
};

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

function exitCodes(meanings: Partial<Record<string, string>>): string {
  const rows = Object.entries(meanings).map(([code, meaning]) => `  ${code.padEnd(4)}${meaning}`);
  return `\nExit codes:\n${rows.join('\n')}\n`;
}

/** Examples under each command's --help, and its own exit codes: a run's, or those of a command that runs none. */
export function addExamplesAndExitCodes(program: Command): void {
  program.addHelpText('after', examples(EXAMPLES.baleen!) + exitCodes(EXIT_CODE_MEANINGS));
  for (const command of program.commands) {
    const lines = EXAMPLES[command.name()];
    const codes = COMMAND_EXIT_CODES[command.name()] ?? EXIT_CODE_MEANINGS;
    command.addHelpText('after', (lines ? examples(lines) : '') + exitCodes(codes));
  }
}
