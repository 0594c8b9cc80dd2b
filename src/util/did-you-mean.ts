import { distance } from 'fastest-levenshtein';

/**
 * The names `word` most likely meant, best first: a name the word begins or ends (`--retry` for `--retries`)
 * before any other, then the fewest edits, at most about a third of the word. Empty when nothing is close:
 * a guess that is far off sends a person the wrong way.
 */
export function closestNames(word: string, candidates: readonly string[]): string[] {
  const bare = (name: string) => name.replace(/^-+/, '').toLowerCase();
  const typed = bare(word);
  const limit = Math.max(2, Math.ceil(typed.length / 3));
  const scored = [...new Set(candidates)].flatMap((candidate) => {
    const name = bare(candidate);
    if (name === typed) return [];
    const prefix = typed.length >= 3 && (name.startsWith(typed) || typed.startsWith(name));
    const edits = distance(typed, name);
    return prefix || edits <= limit ? [{ candidate, rank: prefix ? -1 : edits }] : [];
  });
  const best = Math.min(...scored.map((entry) => entry.rank));
  return scored.filter((entry) => entry.rank === best).map((entry) => entry.candidate);
}

/** ` (did you mean X?)`-style advice, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const names = closestNames(word, candidates);
  if (names.length === 0) return undefined;
  return names.length === 1 ? `did you mean ${names[0]}?` : `did you mean one of ${names.join(', ')}?`;
}
