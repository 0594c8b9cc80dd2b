/**
 * Output arrives in chunks cut wherever the container's writes and the transport cut it: half a line, a line
 * and a half, one progress dot. Prefixing each chunk would print a line in pieces, each under its own prefix.
 * This holds each stream's unfinished line until its end comes, or until `holdMs` pass without it (a progress
 * bar's dots, a prompt), and hands on whole lines only.
 */
export class WholeLines {
  private readonly pending = new Map<string, { text: string; timer: NodeJS.Timeout }>();

  constructor(
    private readonly emit: (key: string, line: string) => void,
    private readonly holdMs = 1000,
  ) {}

  /** A chunk of the stream `key`: its complete lines go out now, the rest waits. */
  push(key: string, data: string): void {
    const held = this.pending.get(key);
    if (held) clearTimeout(held.timer);
    const lines = `${held?.text ?? ''}${data}`.split('\n');
    const rest = lines.pop()!;
    this.pending.delete(key);
    for (const line of lines) this.emit(key, line);
    if (rest === '') return;
    const timer = setTimeout(() => this.flush(key), this.holdMs);
    timer.unref();
    this.pending.set(key, { text: rest, timer });
  }

  /** Hands on what `key`'s stream holds: every stream's without a key, or those a predicate picks. */
  flush(key?: string | ((candidate: string) => boolean)): void {
    for (const [candidate, held] of [...this.pending]) {
      if (key !== undefined && (typeof key === 'string' ? key !== candidate : !key(candidate))) continue;
      clearTimeout(held.timer);
      this.pending.delete(candidate);
      this.emit(candidate, held.text);
    }
  }
}
