import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, type CommandHandlers } from '../../src/cli/program.js';
import { everyCommand } from '../../src/cli/usage/commands.js';
import {
  type DocCommand,
  docCommands,
  guides,
  headingAnchors,
  isPlaceholder,
  localLinks,
  REPO,
  shellWords,
} from '../support/docs.js';

/** The real command line, its handlers doing nothing and its usage errors thrown rather than printed. */
function quietProgram() {
  const handlers = new Proxy({}, { get: () => async () => 0 }) as CommandHandlers;
  const program = buildProgram(handlers);
  for (const command of everyCommand(program)) command.configureOutput({ writeErr: () => {}, outputError: () => {} });
  return program;
}

/**
 * What is wrong with a guide's command, or undefined. A command typed as is (a shell block, no placeholder)
 * must parse with baleen's real options; any other must name a command baleen has and options it takes.
 */
async function problemOf({ words, runnable }: DocCommand): Promise<string | undefined> {
  const program = quietProgram();
  const known = (options: readonly { long?: string; short?: string }[]) =>
    new Set(options.flatMap((option) => [option.long, option.short].filter(Boolean) as string[]));
  const globals = known(program.options);
  globals.add('--help');
  if (isPlaceholder(words[0]!)) return; // `baleen <command> --help`, `baleen …`
  const command = program.commands.find((candidate) => candidate.name() === words[0]);
  if (!command && !globals.has(words[0]!)) return `no command ${words[0]}`;
  const flags = command ? known(command.options) : globals;
  flags.add('--help');
  for (const word of words.slice(1))
    if (/^--?[a-zA-Z]/.test(word) && !flags.has(word.split('=')[0]!)) return `${words[0]} takes no ${word}`;
  if (!runnable || words.some(isPlaceholder) || words.includes('--help') || words.includes('--version')) return;
  try {
    await program.parseAsync(['node', 'baleen', ...words]);
  } catch (error) {
    if (error instanceof CommanderError) return error.message;
    throw error;
  }
}

describe('the commands in the guides', () => {
  const commands = guides().flatMap(docCommands);

  it('finds the guides and the commands they show', () => {
    expect(guides().map((guide) => guide.path)).toEqual(
      expect.arrayContaining(['README.md', 'docs/README.md', 'docs/troubleshooting.md', 'docs/options.md']),
    );
    expect(commands.filter((command) => command.runnable).length).toBeGreaterThan(15);
    expect(commands.filter((command) => !command.runnable).length).toBeGreaterThan(30);
    // The two commands of a fresh machine stay in the README.
    const readme = guides()[0]!.text;
    expect(readme).toContain('npm ci && npm run example');
    expect(readme).toContain('npm ci && npm test');
  });

  it("each parses with the real command line's options (a shell block's as typed; a mention by its names)", async () => {
    const problems: string[] = [];
    for (const command of commands) {
      const problem = await problemOf(command);
      if (problem) problems.push(`${command.where}: baleen ${command.words.join(' ')}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('catches a misspelt option, an unknown command and a value baleen refuses', async () => {
    const at = (line: string, runnable = true) => ({ where: 'x', words: shellWords(line), runnable });
    expect(await problemOf(at('cucumber --imgae x --files f/'))).toMatch(/cucumber takes no --imgae/);
    expect(await problemOf(at('cucumbre --image x', false))).toMatch(/no command cucumbre/);
    expect(await problemOf(at('cucumber --image x --files f/ --timeout soon'))).toMatch(/--timeout/);
    expect(await problemOf(at('cucumber --files f/'))).toMatch(/--image/);
    expect(await problemOf(at('cucumber --image x --files f/ --timeout 90s'))).toBeUndefined();
  });

  it('reads shell lines as sh does: quotes, comments, operators and variables before the command', () => {
    const [line] = docCommands({
      path: 'x.md',
      text: '```bash\nX=1 npx baleen cucumber --tags "@a and not @b" \\\n  --image i # a comment\n```\n',
    });
    expect(line).toEqual({
      where: 'x.md:2',
      words: ['cucumber', '--tags', '@a and not @b', '--image', 'i'],
      runnable: true,
    });
    expect(docCommands({ path: 'y.md', text: 'run `docker build -t x . && npx baleen project suite` then' })).toEqual([
      { where: 'y.md:1', words: ['project', 'suite'], runnable: false },
    ]);
  });
});

describe('the links between the guides', () => {
  it('each leads to a file that exists and, with an anchor, to one of its headings', () => {
    const broken: string[] = [];
    const links = guides().flatMap(localLinks);
    expect(links.length).toBeGreaterThan(40);
    for (const link of links) {
      const path = join(REPO, link.file);
      if (!existsSync(path)) broken.push(`${link.where}: ${link.file} does not exist`);
      else if (link.anchor && link.file.endsWith('.md') && !headingAnchors(readFileSync(path, 'utf8')).has(link.anchor))
        broken.push(`${link.where}: ${link.file} has no heading #${link.anchor}`);
    }
    expect(broken).toEqual([]);
  });

  it('names anchors as GitHub does (and so catches one that leads nowhere)', () => {
    const anchors = headingAnchors('# Batches (`--batch`)\n## What happens when…\n## Same\n## Same\n');
    expect([...anchors]).toEqual(['batches---batch', 'what-happens-when', 'same', 'same-1']);
  });
});
