import { stripVTControlCharacters } from 'node:util';

// C0 controls but tab and newline, DEL, and C1 controls (U+009B starts a CSI on some terminals). A bare `\r`
// or `\b` would let output overwrite what baleen printed.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

/**
 * A program's output (or an error made of it) for the console: escape sequences (colours, cursor moves,
 * window titles, hyperlinks, screen clears) removed, other control characters too, lines and tabs kept.
 */
export function terminalText(text: string): string {
  return stripVTControlCharacters(text).replace(CONTROL, '');
}

/**
 * A name (a feature's path, the image, a folder) for the console: every control character shown as its
 * escape (`\x1b`), so the name reads as it really is and cannot act on the terminal.
 */
export function terminalName(text: string): string {
  return text.replace(ANY_CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
