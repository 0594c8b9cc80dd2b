/** How often a block whose lines did not change is redrawn anyway, so the timers in it tick. */
const TICK_MS = 1000;

/**
 * A block of lines at the bottom of a terminal, redrawn in place, with permanent lines printed above it.
 * Redraws are batched (at most one per interval) so hundreds of features changing state cost little, and
 * happen at least once a second so the timers in the lines tick.
 */
export class LiveBlock {
  private drawnLines = 0;
  private drawnAt = 0;
  private dirty = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly render: () => string[],
    intervalMs = 100,
  ) {
    this.timer = setInterval(() => this.redraw(), intervalMs);
    this.timer.unref();
  }

  changed(): void {
    this.dirty = true;
  }

  /** Prints a permanent line above the block. */
  print(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
    this.dirty = true;
  }

  stop(): void {
    clearInterval(this.timer);
    this.clear();
  }

  private redraw(): void {
    // Unchanged lines are still redrawn once a second: their timers tick.
    if (!this.dirty && Date.now() - this.drawnAt < TICK_MS) return;
    this.drawnAt = Date.now();
    this.clear();
    // A pseudo-terminal may report 0 columns (no size set): treat that as unknown.
    const columns = this.out.columns || 120;
    const lines = this.render().map((line) => truncateVisible(line, columns - 1));
    if (lines.length > 0) this.out.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
    this.dirty = false;
  }

  private clear(): void {
    if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }
}

/** Cuts a line to a visible width, not counting colour codes, so a long path cannot wrap and break redraws. */
function truncateVisible(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith('\x1b[')) {
      out += part;
      continue;
    }
    const room = width - visible;
    if (room <= 0) continue;
    out += part.slice(0, room);
    visible += Math.min(part.length, room);
  }
  return `${out}\x1b[0m`;
}
