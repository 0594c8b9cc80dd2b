/**
 * Which images clients may run on this server (`--allow-image`, repeatable). A pattern is an image reference
 * where `*` stands for any run of characters: `registry.example/ci/*`, `baleen-*:latest`. No pattern allows all.
 */
export function imageAllowed(image: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) => patternToRegExp(pattern).test(image));
}

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}
