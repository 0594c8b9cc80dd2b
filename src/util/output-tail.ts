/** The end of a stream kept in memory, and how much of it was cut from the front (domain's OutputTail). */
export interface StreamTail {
  text: string;
  totalBytes: number;
  truncatedBytes: number;
}

/**
 * Keeps the last `limit` bytes of a stream and counts the rest, so that a feature printing hundreds of
 * megabytes costs bounded memory. The full stream is forwarded elsewhere (to the client's log files).
 */
export class OutputTailBuffer {
  private chunks: Buffer[] = [];
  private keptBytes = 0;
  private totalBytes = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    this.chunks.push(chunk);
    this.keptBytes += chunk.length;
    while (this.keptBytes - (this.chunks[0]?.length ?? 0) >= this.limit) {
      this.keptBytes -= this.chunks.shift()!.length;
    }
  }

  toTail(): StreamTail {
    let kept = Buffer.concat(this.chunks);
    if (kept.length > this.limit) kept = kept.subarray(kept.length - this.limit);
    // Cutting may split a UTF-8 character: skip continuation bytes so the text starts on a whole character.
    let start = 0;
    while (start < kept.length && start < 4 && (kept[start]! & 0xc0) === 0x80) start++;
    const text = kept.subarray(start).toString('utf8');
    return { text, totalBytes: this.totalBytes, truncatedBytes: this.totalBytes - kept.length + start };
  }
}
