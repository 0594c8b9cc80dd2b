import type { CollectedArtifacts } from '../domain/feature-run.js';
import { relativePathProblem } from '../util/inside-root.js';

/** A piece of a collected file as it comes out of the archive; `end` is its last (the file came whole). */
export interface ArtifactPiece {
  path: string;
  data: Buffer;
  end: boolean;
}

/** Pieces are handed on at about this size: small enough to stream, large enough not to flood the socket. */
const PIECE_BYTES = 512 * 1024;

/**
 * The files a feature's container sends back (see collect-command.ts), read as they arrive: its base64 text
 * is decoded into a tar archive whose regular files are handed to `emit` piece by piece, so no file is ever
 * held whole in memory. An archive cut at the cap keeps every file that came whole and says what was cut;
 * links, devices and folders are not files and are left out, as is any entry whose path would leave the
 * feature's folder. A file cut in half had pieces handed on without its `end`: `finish` does not list it.
 */
export class ArtifactStream {
  private readonly files: CollectedArtifacts['files'] = [];
  private readonly skipped: string[] = [];
  /** Base64 characters held back until a whole group of four is there. */
  private pending = '';
  private archiveBytes = 0;
  private cut = false;
  private closed = false;
  private reader: import('tar-stream').Extract | undefined;
  /** Archive bytes that came before tar-stream was loaded (it is loaded when the attempt starts). */
  private early: Buffer[] = [];
  private readonly loaded: Promise<void>;
  private readonly done: Promise<void>;
  private settle!: () => void;

  constructor(
    private readonly maxBytes: number,
    private readonly paths: readonly string[],
    private readonly emit: (piece: ArtifactPiece) => void,
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
    // Loaded when a run collects, not for every run: a module loaded at start is a cost of every command.
    this.loaded = import('tar-stream').then((tar) => {
      if (this.closed) return;
      const reader = tar.extract();
      reader.on('entry', (header, stream, next) => this.entry(header, stream, next));
      reader.on('finish', () => this.settle());
      // A cut archive ends mid-entry: the entries before it stand.
      reader.on('error', () => this.settle());
      for (const bytes of this.early.splice(0)) reader.write(bytes);
      this.reader = reader;
    });
  }

  /** More of the base64 text, as the container printed it (line breaks included). */
  write(text: Buffer): void {
    if (this.closed || this.cut) return;
    const characters = this.pending + text.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, '');
    const whole = characters.length - (characters.length % 4);
    this.pending = characters.slice(whole);
    if (whole === 0) return;
    const bytes = Buffer.from(characters.slice(0, whole), 'base64');
    const room = this.maxBytes - this.archiveBytes;
    this.archiveBytes += bytes.length;
    if (bytes.length > room) this.cut = true;
    const kept = bytes.subarray(0, Math.max(0, room));
    if (kept.length === 0) return;
    if (this.reader) this.reader.write(kept);
    else this.early.push(kept);
  }

  /** The section ended: what came whole, and a note on what did not. */
  async finish(): Promise<CollectedArtifacts> {
    await this.loaded;
    if (!this.closed) {
      this.closed = true;
      if (!this.cut && this.pending.length > 0) this.reader!.write(Buffer.from(this.pending, 'base64'));
      this.reader!.end(null);
    }
    await this.done;
    const { files, skipped, cut } = this;
    const notes = [
      ...(files.length === 0 && !cut ? [`nothing found under ${this.paths.join(', ')}`] : []),
      ...(cut
        ? [
            `cut at ${this.maxBytes} bytes (--collect-max): ${files.length} whole file${files.length === 1 ? '' : 's'} kept, the rest was not collected`,
          ]
        : []),
      ...(skipped.length > 0
        ? [
            `left out ${skipped.length} file${skipped.length === 1 ? '' : 's'} whose path leaves the folder: ${skipped.slice(0, 5).join(', ')}`,
          ]
        : []),
    ];
    return { files: [...files], ...(notes.length === 0 ? {} : { note: notes.join('; ') }) };
  }

  /** The section never ended (or was over the cap): nothing is kept, and the reason is the note. */
  abandon(why: string): CollectedArtifacts {
    this.closed = true;
    this.early = [];
    this.reader?.destroy();
    this.settle();
    return { files: [], note: `nothing collected: ${why}` };
  }

  private entry(...[header, stream, next]: import('tar-stream').ExtractEvents['entry']): void {
    const path = safePath(header.name);
    if (header.type !== 'file' || path === undefined) {
      if (header.type === 'file') this.skipped.push(header.name);
      stream.on('end', next);
      stream.on('error', () => undefined);
      stream.resume();
      return;
    }
    let held: Buffer[] = [];
    let heldBytes = 0;
    let bytes = 0;
    const hand = (end: boolean) => {
      this.emit({ path, data: held.length === 1 ? held[0]! : Buffer.concat(held), end });
      held = [];
      heldBytes = 0;
    };
    stream.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      held.push(chunk);
      heldBytes += chunk.length;
      bytes += chunk.length;
      if (heldBytes >= PIECE_BYTES) hand(false);
    });
    stream.on('end', () => {
      hand(true);
      this.files.push({ path, bytes });
      next();
    });
    // The entry the cap cut in half ends in an error: it is not a whole file, and is not listed.
    stream.on('error', () => undefined);
  }
}

/** The entry's path relative to the feature's artifacts folder (`./` and doubled slashes dropped), or undefined when it would leave it. */
function safePath(name: string): string | undefined {
  const path = name
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
  return path !== '' && relativePathProblem(path) === undefined ? path : undefined;
}
