/**
 * What a person's object last told the central outbox about itself: the due time it wrote, under
 * which sequence number, and whether that write landed. Kept in the object's own storage (the
 * `state` table), so a failed write is retried by the alarm and a later write always carries a
 * higher sequence number than an earlier one (the outbox keeps the highest).
 */
export interface OutboxMark {
  shop_id: string;
  seq: number;
  due: number | null;
  synced: boolean;
}

const KEY = "outbox";

export class OutboxMarks {
  constructor(private readonly storage: DurableObjectStorage) {}

  get(): OutboxMark | null {
    const row = this.storage.sql.exec<{ value: string }>("SELECT value FROM state WHERE key = ?", KEY).toArray()[0];
    return row ? (JSON.parse(row.value) as OutboxMark) : null;
  }

  set(mark: OutboxMark): void {
    this.storage.sql.exec("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", KEY, JSON.stringify(mark));
  }
}

/**
 * Whether the outbox must hear of a new due time. After a batch only an earlier (or first) due
 * time matters: a later one is found by the cron when the old time comes. After a send-time
 * check the outbox must hold exactly the new time, or the cron would claim the person again.
 */
export function outboxNeedsWrite(mark: OutboxMark | null, next: number | null, after: "batch" | "dispatch"): boolean {
  if (mark && !mark.synced) return true;
  if (after === "dispatch") return mark === null ? next !== null : mark.due !== next;
  if (next === null) return false;
  return mark === null || mark.due === null || next < mark.due;
}

/**
 * Tells the central outbox this person's next due time when it must hear of it. The mark is
 * written (unsynced, with the next sequence number) before the await, so concurrent calls order
 * themselves by it; a failed write stays unsynced for the alarm to retry.
 */
export async function syncOutbox(
  marks: OutboxMarks,
  write: (shopId: string, due: number | null, seq: number) => Promise<void>,
  shopId: string,
  next: number | null,
  after: "batch" | "dispatch",
): Promise<boolean> {
  const mark = marks.get();
  if (!outboxNeedsWrite(mark, next, after)) return true;
  const seq = (mark?.seq ?? 0) + 1;
  marks.set({ shop_id: shopId, seq, due: next, synced: false });
  try {
    await write(shopId, next, seq);
  } catch (error) {
    console.error("outbox not updated; the alarm retries", { error: String(error) });
    return false;
  }
  const now = marks.get();
  if (now?.seq === seq) marks.set({ ...now, synced: true });
  return true;
}
