/** One phase: when it began (epoch ms) and how long it took (ms). */
export interface Phase<N extends string> {
  phase: N;
  at: number;
  ms: number;
}

/**
 * Records phases as they happen (an attempt's container's, the client's: see domain/attempt-phases.ts and
 * client/run-trace.ts). A phase is timed around one call (`time`), or begun and ended where its start and end
 * are seen apart (a container's command ends when its output does, in the output sink).
 */
export class PhaseClock<N extends string> {
  private readonly list: Phase<N>[] = [];
  private readonly open = new Map<N, number>();

  /** Times `work` as `phase`, whether it settles or throws. */
  async time<T>(phase: N, work: () => Promise<T>): Promise<T> {
    this.begin(phase);
    try {
      return await work();
    } finally {
      this.end(phase);
    }
  }

  begin(phase: N, at = Date.now()): void {
    this.open.set(phase, at);
  }

  /** Ends a phase begun before; one never begun, or ended already, is left as it is. */
  end(phase: N, at = Date.now()): void {
    const began = this.open.get(phase);
    if (began === undefined) return;
    this.open.delete(phase);
    this.add(phase, began, at);
  }

  /** When a phase still open began. */
  beganAt(phase: N): number | undefined {
    return this.open.get(phase);
  }

  /** A phase whose start and end were seen apart (epoch ms). */
  add(phase: N, at: number, end: number): void {
    this.list.push({ phase, at, ms: Math.max(0, end - at) });
  }

  phases(): Phase<N>[] {
    return [...this.list].sort((a, b) => a.at - b.at);
  }
}
