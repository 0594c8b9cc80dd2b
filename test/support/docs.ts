import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: README.md and docs/ are read from there. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A guide: README.md or a file of docs/, as a path from the repository's root and its text. */
export interface Guide {
  path: string;
  text: string;
}

/** README.md and every docs/*.md: the user's documentation. */
export function guides(): Guide[] {
  const docs = readdirSync(join(REPO, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs].map((path) => ({ path, text: readFileSync(join(REPO, path), 'utf8') }));
}

/** One guide's text: `guide('docs/options.md')`. */
export function guide(path: string): string {
  return readFileSync(join(REPO, path), 'utf8');
}

/** A `baleen …` command line found in a guide, split into words as a shell would, `baleen` dropped. */
export interface DocCommand {
  where: string;
  words: string[];
  /** From a shell block of a guide (meant to be typed as is), not an inline mention in the prose. */
  runnable: boolean;
}

const SHELL_BLOCK = /^(|bash|sh|shell|console)$/;

/**
 * Splits a shell line into words and operators: quotes, backslash escapes and `# comments` as sh reads
 * them. No expansion: `$VAR` and `$(…)` stay words (a guide's placeholders).
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const push = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === "'" || char === '"') {
      const end = line.indexOf(char, i + 1);
      word = (word ?? '') + line.slice(i + 1, end === -1 ? undefined : end);
      i = end === -1 ? line.length : end;
    } else if (char === '\\' && i + 1 < line.length) word = (word ?? '') + line[++i];
    else if (/\s/.test(char)) push();
    else if (char === '#' && word === undefined) break;
    else if ('|&;()'.includes(char)) {
      push();
      words.push(line[i + 1] === char && char !== '(' ? char + line[++i] : char);
    } else word = (word ?? '') + char;
  }
  push();
  return words;
}

/** The `baleen` commands among a line's words: after `npx` and `VAR=value` assignments, up to an operator. */
function baleenCommands(words: string[]): string[][] {
  const commands: string[][] = [];
  let start = 0;
  for (let i = 0; i <= words.length; i++) {
    if (i < words.length && !/^(\|\|?|&&?|;|\(|\))$/.test(words[i]!)) continue;
    const segment = words.slice(start, i);
    start = i + 1;
    let at = 0;
    while (at < segment.length && /^[A-Z_][A-Z0-9_]*=/.test(segment[at]!)) at++;
    if (segment[at] === 'npx') at++;
    if (segment[at] === 'baleen') commands.push(segment.slice(at + 1));
  }
  return commands;
}

/** Every `baleen …` command of a guide: each line of its shell blocks, and each inline `baleen …` code span. */
export function docCommands({ path, text }: Guide): DocCommand[] {
  const found: DocCommand[] = [];
  const lines = text.split('\n');
  let block: string | undefined;
  let inline = '';
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    const fence = line.match(/^```(\S*)/);
    if (fence) {
      block = block === undefined ? fence[1]! : undefined;
      continue;
    }
    if (block !== undefined) {
      if (!SHELL_BLOCK.test(block)) continue;
      const first = n;
      while (line.endsWith('\\') && n + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++n]}`;
      for (const words of baleenCommands(shellWords(line)))
        found.push({ where: `${path}:${first + 1}`, words, runnable: true });
      continue;
    }
    // Inline code spans may wrap onto the next line of a paragraph.
    inline = inline ? `${inline} ${line}` : line;
    if ((inline.match(/`/g)?.length ?? 0) % 2 === 1 && n + 1 < lines.length && lines[n + 1]!.trim() !== '') continue;
    const spans = inline.split('`').filter((_, index) => index % 2 === 1);
    for (const span of spans)
      for (const words of baleenCommands(shellWords(span)))
        if (words[0] && !words[0].endsWith(':')) found.push({ where: `${path}:${n + 1}`, words, runnable: false });
    inline = '';
  }
  return found;
}

/**
 * A word that stands for a value rather than being one (`IMAGE`, `INDEX/TOTAL`, `3f2c…`, `[options]`,
 * `docker|swarm`): a command holding one is checked for its command and option names only.
 */
export function isPlaceholder(word: string): boolean {
  return /^[A-Z][A-Z0-9_./=:-]*$/.test(word) || /[…[\]<>|]|\.\.\./.test(word) || word.startsWith('$');
}

/** A markdown link of a guide that leads into the repository: its target file and anchor. */
export interface LocalLink {
  where: string;
  file: string;
  anchor?: string;
}

/** Every link of a guide that is not a URL, outside code: `[text](docs/x.md#anchor)`, `[text](#anchor)`. */
export function localLinks({ path, text }: Guide): LocalLink[] {
  const links: LocalLink[] = [];
  let inBlock = false;
  text.split('\n').forEach((line, n) => {
    if (line.startsWith('```')) inBlock = !inBlock;
    if (inBlock) return;
    for (const match of line.replaceAll(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1]!;
      if (/^[a-z]+:/.test(target)) continue;
      const [file = '', anchor] = target.split('#');
      const resolved = file === '' ? path : relative(REPO, join(REPO, path, '..', file));
      links.push({ where: `${path}:${n + 1}`, file: resolved, anchor });
    }
  });
  return links;
}

/** The anchors GitHub gives a markdown file's headings (lower case, punctuation dropped, spaces as `-`). */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  let inBlock = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inBlock = !inBlock;
    const heading = !inBlock && line.match(/^#{1,6} (.+)$/);
    if (!heading) continue;
    const slug = heading[1]!
      .trim()
      .toLowerCase()
      .replaceAll(/[^\p{L}\p{N} _-]/gu, '')
      .replaceAll(' ', '-');
    let anchor = slug;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${slug}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}
