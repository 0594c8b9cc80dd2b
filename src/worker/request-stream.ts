import { StringDecoder } from 'node:string_decoder';

/**
 * One output stream of a warm worker's request, up to the line the worker ends it with. The end line is found
 * wherever it starts in a line (the user's output may not have ended its own); what precedes it goes to the
 * sink, whole lines at a time, so that an end line split across chunks is never passed on in part.
 */
export class RequestStream {
  private readonly decoder = new StringDecoder('utf8');
  private held = '';
  private endMatch: RegExpExecArray | undefined;
  /** What followed the end line: no longer this request's. */
  after = '';

  constructor(
    private readonly endLine: RegExp,
    private readonly sink: (chunk: Buffer) => void,
    /** Lines that are the worker's own, never the user's (its ready line). */
    private readonly ownLine: (line: string) => boolean = () => false,
  ) {}

  /** The end line's match once it arrived. */
  get ended(): RegExpExecArray | undefined {
    return this.endMatch;
  }

  push(chunk: Buffer): void {
    if (this.endMatch) {
      this.after += this.decoder.write(chunk);
      return;
    }
    const text = this.held + this.decoder.write(chunk);
    const lastNewline = text.lastIndexOf('\n');
    this.held = text.slice(lastNewline + 1);
    let passed = '';
    let offset = 0;
    for (const line of text.slice(0, lastNewline + 1).split(/(?<=\n)/)) {
      offset += line.length;
      const bare = line.slice(0, -1);
      const end = this.endLine.exec(bare);
      if (end) {
        passed += bare.slice(0, end.index);
        this.endMatch = end;
        this.after = text.slice(offset);
        this.held = '';
        break;
      }
      if (!this.ownLine(bare)) passed += line;
    }
    if (passed) this.sink(Buffer.from(passed));
  }

  /** The stream ended without its end line (the worker died): whatever was held back is the user's. */
  flush(): void {
    const rest = this.held + this.decoder.end();
    this.held = '';
    if (!this.endMatch && rest) this.sink(Buffer.from(rest));
  }
}
