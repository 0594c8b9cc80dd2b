import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BaleenError, messageOf } from '../../errors/baleen-error.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';

/** Pushes remembered to refuse replays; GitHub's own redeliveries come within days, not after 10 000 pushes. */
const REMEMBERED = 10_000;

const EntrySchema = z.strictObject({
  /** X-GitHub-Delivery. */
  delivery: z.string(),
  /** SHA-256 of the signed body, hex. */
  body: z.string(),
  project: z.string(),
  commit: z.string(),
  at: z.iso.datetime(),
});
type Entry = z.infer<typeof EntrySchema>;
const LedgerSchema = z.strictObject({ version: z.literal(1), entries: z.array(EntrySchema) });

/**
 * The pushes this server queued, kept in the data dir so a restart forgets none: a delivery is a replay when
 * its id, its signed body (by hash) or its project's pushed commit was queued before. A signature proves who
 * sent a body, never when: a body captured once can be sent again under any delivery id, and an old push
 * replayed with --cancel-superseded would otherwise drop the newer pushes waiting behind the running one.
 */
export class DeliveryLedger {
  private readonly entries: Entry[];
  private readonly deliveries = new Map<string, Entry>();
  private readonly bodies = new Map<string, Entry>();
  private readonly commits = new Map<string, Entry>();
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    entries: Entry[],
  ) {
    this.entries = entries;
    for (const entry of entries) this.index(entry);
  }

  /** The ledger kept in `file` (none yet: an empty one); one that is not the ledger's is refused, not replaced. */
  static async open(file: string): Promise<DeliveryLedger> {
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(file, messageOf(error));
    }
    if (text === undefined) return new DeliveryLedger(file, []);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw unreadable(file, 'it is not JSON');
    }
    const parsed = LedgerSchema.safeParse(json);
    if (!parsed.success) throw unreadable(file, 'it is not the ledger of pushes baleen writes');
    return new DeliveryLedger(file, parsed.data.entries);
  }

  /** Why this push is a replay of one queued before, or undefined when it is new. */
  replayOf(push: Omit<Entry, 'at'>): string | undefined {
    const byDelivery = this.deliveries.get(push.delivery);
    if (byDelivery) return `delivery ${push.delivery} was received before`;
    const byBody = this.bodies.get(push.body);
    if (byBody) return `the same signed body was received before, as delivery ${byBody.delivery}`;
    const byCommit = this.commits.get(commitKey(push));
    if (byCommit) return `commit ${push.commit} of ${push.project} was queued before, by delivery ${byCommit.delivery}`;
    return undefined;
  }

  /** Remembers a push at once (a replay arriving now is refused) and keeps it on disk before resolving. */
  async record(push: Omit<Entry, 'at'>): Promise<void> {
    const entry = { ...push, at: new Date().toISOString() };
    this.entries.push(entry);
    this.index(entry);
    while (this.entries.length > REMEMBERED) this.forget(this.entries.shift()!);
    const text = JSON.stringify({ version: 1, entries: this.entries });
    // One write at a time, in order: the file always ends with the latest.
    this.saving = this.saving.catch(() => undefined).then(() => writeFileAtomic(this.file, text));
    await this.saving;
  }

  private index(entry: Entry): void {
    this.deliveries.set(entry.delivery, entry);
    this.bodies.set(entry.body, entry);
    this.commits.set(commitKey(entry), entry);
  }

  private forget(entry: Entry): void {
    if (this.deliveries.get(entry.delivery) === entry) this.deliveries.delete(entry.delivery);
    if (this.bodies.get(entry.body) === entry) this.bodies.delete(entry.body);
    if (this.commits.get(commitKey(entry)) === entry) this.commits.delete(commitKey(entry));
  }
}

const commitKey = (push: { project: string; commit: string }) => `${push.project}\n${push.commit}`;

function unreadable(file: string, why: string): BaleenError {
  return new BaleenError('USAGE', `cannot read the webhook's ledger of pushes ${file}: ${why}`, {
    hint: 'move it away to start a new one (pushes received before are then not recognised as replays)',
  });
}
