import type { createLogUpdate } from 'log-update';

type LogUpdateModule = typeof import('log-update');
let logUpdate: LogUpdateModule | undefined;

/**
 * Loads what draws a live block (log-update, 15 modules), once: a run whose console is a terminal loads it
 * before it begins; a quiet run, or one whose output is a CI log, never does.
 */
export async function loadLiveDrawing(): Promise<void> {
  logUpdate ??= await import('log-update');
}

/** How often a block whose lines did not change is redrawn anyway, so the timers in it tick. */
const TICK_MS = 1000;

/**
 * A block of lines at the bottom of a terminal, redrawn in place (log-update erases and rewrites it, wrapping
 * long lines to the terminal's width), with permanent lines printed above it. Redraws are batched (at most
 * one per interval) so hundreds of features changing state cost little, and happen at least once a second so
 * the timers in the lines tick. Drawing needs `loadLiveDrawing()` first; a block made before it has loaded
 * draws from when it has.
 */
export class LiveBlock {
  private update: ReturnType<typeof createLogUpdate> | undefined;
  private stopped = false;
  private drawnAt = 0;
  private dirty = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly render: () => string[],
    intervalMs = 100,
  ) {
    const draw = ({ createLogUpdate }: LogUpdateModule) => {
      // The cursor stays visible: a run killed mid-redraw must not leave the user's terminal without one.
      if (!this.stopped) this.update = createLogUpdate(terminalSize(out), { showCursor: true });
    };
    if (logUpdate) draw(logUpdate);
    // Without it the run goes on, its permanent lines printed as they come.
    else
      loadLiveDrawing().then(
        () => draw(logUpdate!),
        () => undefined,
      );
    this.timer = setInterval(() => this.redraw(), intervalMs);
    this.timer.unref();
  }

  changed(): void {
    this.dirty = true;
  }

  /** Prints a permanent line above the block (as it is: log-update's persist would wrap a long path). */
  print(text: string): void {
    this.update?.clear();
    this.out.write(`${text}\n`);
    this.dirty = true;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.update?.clear();
    this.update?.done();
  }

  private redraw(): void {
    if (!this.update || (!this.dirty && Date.now() - this.drawnAt < TICK_MS)) return;
    this.drawnAt = Date.now();
    this.update(this.render().join('\n'));
    this.dirty = false;
  }
}

/**
 * The stream as log-update sees it. A pseudo-terminal may report 0 columns and rows (no size set): log-update
 * would then wrap every character onto a line of its own, or draw nothing, so an unknown size reads as 120x24.
 */
function terminalSize(out: NodeJS.WriteStream): NodeJS.WriteStream {
  return {
    write: (text: string) => out.write(text),
    get columns() {
      return out.columns || 120;
    },
    get rows() {
      return out.rows || 24;
    },
    isTTY: out.isTTY,
  } as unknown as NodeJS.WriteStream;
}
