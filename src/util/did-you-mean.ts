import { distance } from 'fastest-levenshtein';

/** How many characters two names share at their start. */
function commonPrefix(a: string, b: string): number {
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  return at;
}

/**
 * The names `word` most likely meant, best first: a name that shares most of the word's start (`--retry` for
 * `--retries`, `project` for `projects`) before any other, then the fewest edits, at most about a third of the
 * word. Empty when nothing is close: a guess that is far off sends a person the wrong way.
 */
export function closestNames(word: string, candidates: readonly string[]): string[] {
  const bare = (name: string) => name.replace(/^-+/, '').toLowerCase();
  const typed = bare(word);
  const limit = Math.max(2, Math.ceil(typed.length / 3));
  // A stem: the word minus its last third (`retr` of `retry`), and never under 3 characters.
  const stem = Math.max(3, Math.ceil((typed.length * 2) / 3));
  const scored = [...new Set(candidates)].flatMap((candidate) => {
    const name = bare(candidate);
    if (name === typed) return [];
    const edits = distance(typed, name);
    const shared = commonPrefix(typed, name) >= Math.min(stem, name.length);
    // Sharing the stem outranks any count of edits; among such names, and among the rest, fewer edits win.
    return shared || edits <= limit ? [{ candidate, rank: shared ? edits - 1000 : edits }] : [];
  });
  const best = Math.min(...scored.map((entry) => entry.rank));
  return scored.filter((entry) => entry.rank === best).map((entry) => entry.candidate);
}
