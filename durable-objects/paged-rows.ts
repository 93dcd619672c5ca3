import type { TrackedEvent } from "../core/types";

/** Row sets that travel in pages (a hand-over, an export): each is read in `seq` order. */
export const PAGED_PARTS = ["events", "seen", "devices", "token_uses"] as const;
export type PagedPart = (typeof PAGED_PARTS)[number];

export interface Page {
  rows: { seq: number; row: string }[];
  /** The `seq` to continue after, or null when this was the last page. */
  next: number | null;
}

/** Keeps a page well under the 32 MiB limit of one RPC message. */
const PAGE_BYTES = 4 * 1024 * 1024;
const PAGE_ROWS = 5_000;

const PAGE_QUERIES: Record<PagedPart, string> = {
  events:
    "SELECT seq, json_object('event_id', event_id, 'type', type, 'ts', ts, 'received_at', received_at, 'body', body) AS row FROM events WHERE seq > ? ORDER BY seq",
  seen: "SELECT rowid AS seq, json_object('event_id', event_id, 'seen_at', seen_at) AS row FROM seen_events WHERE rowid > ? ORDER BY rowid",
  devices:
    "SELECT rowid AS seq, json_object('anonymous_id', anonymous_id, 'first_seen_at', first_seen_at) AS row FROM devices WHERE rowid > ? ORDER BY rowid",
  token_uses: "SELECT rowid AS seq, json_object('use', use, 'used_at', used_at) AS row FROM token_uses WHERE rowid > ? ORDER BY rowid",
};

/** A survivor takes in staged rows of each part with these statements (bound from the row's JSON). */
const TAKE_IN: Record<PagedPart, string> = {
  events: `INSERT INTO events (event_id, type, ts, received_at, body)
    SELECT json_extract(row, '$.event_id'), json_extract(row, '$.type'), json_extract(row, '$.ts'), json_extract(row, '$.received_at'), json_extract(row, '$.body')
    FROM incoming WHERE absorbed_id = ? AND part = 'events'
      AND (json_extract(row, '$.event_id') IS NULL OR json_extract(row, '$.event_id') NOT IN (SELECT event_id FROM seen_events))
    ORDER BY seq`,
  seen: `INSERT OR IGNORE INTO seen_events (event_id, seen_at)
    SELECT json_extract(row, '$.event_id'), json_extract(row, '$.seen_at') FROM incoming WHERE absorbed_id = ? AND part = 'seen'`,
  devices: `INSERT OR IGNORE INTO devices (anonymous_id, first_seen_at)
    SELECT json_extract(row, '$.anonymous_id'), json_extract(row, '$.first_seen_at') FROM incoming WHERE absorbed_id = ? AND part = 'devices'`,
  token_uses: `INSERT OR IGNORE INTO token_uses (use, used_at)
    SELECT json_extract(row, '$.use'), json_extract(row, '$.used_at') FROM incoming WHERE absorbed_id = ? AND part = 'token_uses'`,
};

/** A person's rows read in pages (a hand-over, an export) and, on a survivor, staged until a hand-over is complete. */
export class PagedRows {
  constructor(private readonly storage: DurableObjectStorage) {}

  /** One page of a part's rows after `after`, bounded in rows and bytes. */
  page(part: PagedPart, after: number): Page {
    const rows: Page["rows"] = [];
    let bytes = 0;
    for (const row of this.storage.sql.exec<{ seq: number; row: string }>(PAGE_QUERIES[part], after)) {
      if (rows.length > 0 && (rows.length >= PAGE_ROWS || bytes + row.row.length > PAGE_BYTES))
        return { rows, next: rows[rows.length - 1]?.seq ?? after };
      rows.push({ seq: row.seq, row: row.row });
      bytes += row.row.length;
    }
    return { rows, next: null };
  }

  /** Keeps a page of an absorbed person's rows until the hand-over is complete (idempotent). */
  stage(absorbedId: string, part: PagedPart, page: Page): void {
    this.storage.transactionSync(() => {
      for (const { seq, row } of page.rows) {
        this.storage.sql.exec(
          "INSERT OR IGNORE INTO incoming (absorbed_id, part, seq, row) VALUES (?, ?, ?, ?)",
          absorbedId,
          part,
          seq,
          row,
        );
      }
    });
  }

  dropStaged(absorbedId: string): void {
    this.storage.sql.exec("DELETE FROM incoming WHERE absorbed_id = ?", absorbedId);
  }

  /** Staged events of an absorbed person that this person counted already (the same event id). */
  stagedDuplicates(absorbedId: string): TrackedEvent[] {
    return this.storage.sql
      .exec<{ body: string }>(
        `SELECT json_extract(row, '$.body') AS body FROM incoming WHERE absorbed_id = ? AND part = 'events'
           AND json_extract(row, '$.event_id') IN (SELECT event_id FROM seen_events)`,
        absorbedId,
      )
      .toArray()
      .map((row) => JSON.parse(row.body) as TrackedEvent);
  }

  /** Moves an absorbed person's staged rows into this person's tables (inside the caller's transaction). */
  takeIn(absorbedId: string): void {
    for (const part of PAGED_PARTS) this.storage.sql.exec(TAKE_IN[part], absorbedId);
    this.dropStaged(absorbedId);
  }
}
