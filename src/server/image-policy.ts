import { parseImageReference, type ImageReference } from '../domain/image-reference.js';

/**
 * Which images clients may run on this server (`--allow-image`, repeatable). A pattern is `NAME[:TAG]` where
 * `*` stands for any run of characters within one path component (never across `/`, `:` or `@`):
 * `registry.example/ci/*`, `baleen-*:latest`. A pattern without a tag allows every tag and digest of the
 * names it matches. The image is matched by its parsed reference, in both the short form engines list
 * (`baleen-x`) and the fully qualified one (`docker.io/library/baleen-x`), so a name cannot slip past by
 * being spelled differently. An image ID names no repository: only a pattern that is that very ID allows it.
 * No pattern allows every image; what is not an image reference is never allowed.
 */
export function imageAllowed(image: string, patterns: readonly string[]): boolean {
  const parsed = parseImageReference(image);
  if (!parsed.ok) return false;
  if (patterns.length === 0) return true;
  if ('imageId' in parsed) return patterns.includes(parsed.imageId);
  return patterns.some((pattern) => matches(parsed.reference, pattern));
}

function matches(image: ImageReference, pattern: string): boolean {
  const { name, tag } = splitPattern(pattern);
  const nameMatches = globToRegExp(name);
  if (!nameMatches.test(image.familiarName) && !nameMatches.test(image.name)) return false;
  if (tag === undefined) return true;
  // `name@digest` runs that digest whatever the tag says, so a tag pattern cannot vouch for it.
  if (image.digest !== undefined) return false;
  return globToRegExp(tag).test(image.tag ?? 'latest');
}

/** The tag is after the last `:` that follows the last `/` (a `:` before it is a registry's port). */
function splitPattern(pattern: string): { name: string; tag?: string } {
  const colon = pattern.lastIndexOf(':');
  if (colon === -1 || colon < pattern.lastIndexOf('/')) return { name: pattern };
  return { name: pattern.slice(0, colon), tag: pattern.slice(colon + 1) };
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[^/:@]*')}$`);
}
