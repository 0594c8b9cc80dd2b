import { shellQuote } from '../util/shell-quote.js';

/**
 * The shell command that packs the files under `paths` (relative to the container's working directory) into
 * a tar archive, cut after `maxBytes` + 1 bytes (so the reader can tell a cut), as base64: text lines, which
 * cannot hold the channel's end marker. Paths that do not exist are left out (tar's complaint goes nowhere).
 * busybox and GNU tar, head and base64 all take this.
 */
export function collectCommand(paths: readonly string[], maxBytes: number): string {
  return `tar -cf - -- ${paths.map(shellQuote).join(' ')} 2>/dev/null | head -c ${maxBytes + 1} | base64`;
}

/** How many bytes of base64 text (with its line breaks) `maxBytes` + 1 bytes of archive become, with room to spare. */
export function base64Budget(maxBytes: number): number {
  return Math.ceil(((maxBytes + 1) / 3) * 4 * (78 / 76)) + 4096;
}
