import { shellQuote } from '../util/shell-quote.js';

/**
 * The feature's Cucumber JSON comes back in its own container output: after the command, the container's
 * shell prints the report to stderr between two markers carrying a nonce of this attempt. This needs no
 * filesystem shared with the engine's host and no extra engine call (copying a file out of a container makes
 * the engine mount its filesystem: about 50 ms of engine time per feature, measured), and it works wherever
 * output reaches baleen. The framed section is taken out of stderr before anyone sees it.
 */
export interface ReportChannel {
  /**
   * Shell lines that print the report, if the command wrote one, then `more` (other channels' sections),
   * and keep the command's exit code.
   */
  trailer(reportPath: string, more?: readonly string[]): string;
  /** Shell lines that print what `command` writes to its stdout to stderr, framed for this channel. */
  section(command: string): string;
  /** One shell command (no newline) that prints a shell word's value to stderr, framed for this channel. */
  frame(word: string): string;
  /** Filters a stderr chunk: returns what belongs to the user's stderr, keeps the report's bytes. */
  filter(chunk: Buffer): Buffer;
  /** At the end of the stream: whatever was held back in case it began a marker. */
  flush(): Buffer;
  /** The report's bytes once its end marker arrived; undefined if it never did (no report, or an `exec`). */
  report(): Buffer | undefined;
  /** The report was over the limit and was dropped. */
  readonly overflow: boolean;
}

const NEWLINE = 0x0a;
const EMPTY: Buffer = Buffer.alloc(0);

/**
 * `label` tells apart several channels in one stream (the report's, the collected files'). With `sink`, the
 * section's bytes are handed to it as they arrive instead of being kept (`report()` is then empty once the
 * section ended): the collected files stream to disk. Past `maxBytes` the sink is told nothing more.
 */
export function createReportChannel(
  nonce: string,
  maxBytes: number,
  label = 'report',
  sink?: (bytes: Buffer) => void,
): ReportChannel {
  const begin = Buffer.from(`baleen-${label}-${nonce}-begin`);
  const end = Buffer.from(`baleen-${label}-${nonce}-end`);
  let inside = false;
  let done = false;
  let overflow = false;
  // The tail of an unfinished line that could still turn out to be the start of a marker.
  let held: Buffer = EMPTY;
  const captured: Buffer[] = [];
  let capturedBytes = 0;

  const capture = (bytes: Buffer) => {
    if (overflow || bytes.length === 0) return;
    capturedBytes += bytes.length;
    if (capturedBytes > maxBytes) {
      overflow = true;
      captured.length = 0;
    } else if (sink) {
      sink(bytes);
    } else {
      captured.push(bytes);
    }
  };

  return {
    trailer: (reportPath, more = []) =>
      [
        'baleen_status=$?',
        `if [ -s ${shellQuote(reportPath)} ]; then`,
        `  printf '%s\\n' ${shellQuote(begin.toString())} >&2`,
        `  cat ${shellQuote(reportPath)} >&2`,
        `  printf '%s\\n' ${shellQuote(end.toString())} >&2`,
        'fi',
        ...more,
        'exit $baleen_status',
      ].join('\n'),

    section: (command) =>
      [
        `printf '%s\\n' ${shellQuote(begin.toString())} >&2`,
        `{ ${command}; } >&2`,
        `printf '%s\\n' ${shellQuote(end.toString())} >&2`,
      ].join('\n'),

    frame: (word) => `printf '%s\\n' ${shellQuote(begin.toString())} ${word} ${shellQuote(end.toString())} >&2`,

    filter(chunk) {
      if (done) return chunk;
      const passed: Buffer[] = [];
      // Marker lines may follow output that did not end its line: a marker is found at the end of a line.
      const emit = (bytes: Buffer) => (inside ? capture(bytes) : bytes.length > 0 && passed.push(bytes));
      let data = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
      held = EMPTY;
      while (!done) {
        const marker = inside ? end : begin;
        const newline = data.indexOf(NEWLINE);
        if (newline < 0) {
          const keep = overlap(data, marker);
          emit(data.subarray(0, data.length - keep));
          held = data.subarray(data.length - keep);
          data = EMPTY;
          break;
        }
        const line = data.subarray(0, newline);
        if (endsWith(line, marker)) {
          emit(line.subarray(0, line.length - marker.length));
          if (inside) done = true;
          inside = true;
        } else {
          emit(data.subarray(0, newline + 1));
        }
        data = data.subarray(newline + 1);
      }
      if (data.length > 0) passed.push(data); // after the end marker, it is the user's stderr again
      return Buffer.concat(passed);
    },

    flush() {
      const rest = held;
      held = EMPTY;
      if (inside && !done) return EMPTY; // a report cut off mid-way is no report, and not the user's output
      return rest;
    },

    report() {
      return done && !overflow ? Buffer.concat(captured) : undefined;
    },

    get overflow() {
      return overflow;
    },
  };
}

function endsWith(line: Buffer, marker: Buffer): boolean {
  return line.length >= marker.length && line.subarray(line.length - marker.length).equals(marker);
}

/** The length of the longest end of `data` that is a beginning of `marker` (the whole marker included: its newline is still to come). */
function overlap(data: Buffer, marker: Buffer): number {
  for (let length = Math.min(data.length, marker.length); length > 0; length--) {
    if (data.subarray(data.length - length).equals(marker.subarray(0, length))) return length;
  }
  return 0;
}
