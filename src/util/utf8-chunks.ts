import { StringDecoder } from 'node:string_decoder';

/**
 * Turns each feature attempt's output bytes into text. A chunk may end inside a multi-byte character: the
 * decoder of that stream holds those bytes for the next chunk, and hands them over when the attempt ends.
 * The stream names are the caller's (util knows no feature): `end` hands back what each of them held.
 */
export class Utf8Chunks<StreamName extends string> {
  private readonly decoders = new Map<string, StringDecoder>();

  constructor(private readonly streams: readonly StreamName[]) {}

  /** The text of this chunk ('' when it held only part of a character). */
  write(file: string, attempt: number, stream: StreamName, chunk: Buffer): string {
    const key = keyOf(file, attempt, stream);
    let decoder = this.decoders.get(key);
    if (!decoder) {
      decoder = new StringDecoder('utf8');
      this.decoders.set(key, decoder);
    }
    return decoder.write(chunk);
  }

  /** What an ended attempt's decoders still held, per stream, and forgets them. */
  end(file: string, attempt: number): { stream: StreamName; data: string }[] {
    const rest: { stream: StreamName; data: string }[] = [];
    for (const stream of this.streams) {
      const key = keyOf(file, attempt, stream);
      const data = this.decoders.get(key)?.end() ?? '';
      this.decoders.delete(key);
      if (data !== '') rest.push({ stream, data });
    }
    return rest;
  }
}

const keyOf = (file: string, attempt: number, stream: string) => `${stream}\0${attempt}\0${file}`;
