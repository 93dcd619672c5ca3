import type { OrderLedger, OrderRecord } from "../core/orders";
import type { ProfileState, TrackedEvent } from "../core/types";
import init from "../migrations/profile-object/0001_init.sql";

/** The object's own schema versions, applied in order once per object. */
const MIGRATIONS: readonly string[] = [init];

/** Raw events are kept this long, at most `MAX_RAW_EVENTS` of them; older ones are summarized. */
export const RAW_EVENT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
export const MAX_RAW_EVENTS = 20_000;
/** Event ids are remembered for de-duplication this long (the contract says at least 7 days). */
export const DEDUP_WINDOW_MS = 8 * 24 * 60 * 60 * 1000;

interface Row extends Record<string, SqlStorageValue> {}

/** Typed access to one person's SQLite storage. All writes of a batch go through `writeBatch`. */
export class ProfileStorage {
  constructor(private readonly storage: DurableObjectStorage) {}

  migrate(): void {
    const sql = this.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const current = sql.exec<{ version: number }>("SELECT MAX(version) AS version FROM schema_version").one().version ?? 0;
    MIGRATIONS.forEach((script, index) => {
      const version = index + 1;
      if (version <= current) return;
      this.storage.transactionSync(() => {
        sql.exec(script);
        sql.exec("INSERT INTO schema_version (version) VALUES (?)", version);
      });
    });
  }

  loadState(): ProfileState | null {
    const row = this.storage.sql.exec<{ value: string }>("SELECT value FROM state WHERE key = 'profile'").toArray()[0];
    return row ? (JSON.parse(row.value) as ProfileState) : null;
  }

  seenIds(ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = this.storage.sql.exec<{ event_id: string }>(
      "SELECT event_id FROM seen_events WHERE event_id IN (SELECT value FROM json_each(?))",
      JSON.stringify(ids),
    );
    return new Set(rows.toArray().map((row) => row.event_id));
  }

  ledger(transactionIds: readonly string[]): OrderLedger {
    const ledger: OrderLedger = new Map();
    if (transactionIds.length === 0) return ledger;
    const rows = this.storage.sql.exec<Row>(
      "SELECT * FROM orders WHERE transaction_id IN (SELECT value FROM json_each(?))",
      JSON.stringify(transactionIds),
    );
    for (const row of rows) {
      ledger.set(String(row.transaction_id), {
        transaction_id: String(row.transaction_id),
        at: Number(row.at),
        value: Number(row.value),
        currency: row.currency === null ? null : String(row.currency),
        refunded: Number(row.refunded),
        items: JSON.parse(String(row.items)),
      });
    }
    return ledger;
  }

  /** Writes a batch's events, de-duplication ids, order rows and the new state, all or nothing. */
  writeBatch(state: ProfileState, events: readonly TrackedEvent[], orders: readonly OrderRecord[], receivedAt: number): void {
    const sql = this.storage.sql;
    this.storage.transactionSync(() => {
      for (const event of events) {
        sql.exec(
          "INSERT INTO events (event_id, type, ts, received_at, body) VALUES (?, ?, ?, ?, ?)",
          event.id,
          event.type,
          event.ts,
          receivedAt,
          JSON.stringify(event),
        );
        if (event.id !== null) sql.exec("INSERT OR IGNORE INTO seen_events (event_id, seen_at) VALUES (?, ?)", event.id, receivedAt);
      }
      for (const order of orders) {
        sql.exec(
          "INSERT OR REPLACE INTO orders (transaction_id, at, value, currency, refunded, items) VALUES (?, ?, ?, ?, ?, ?)",
          order.transaction_id,
          order.at,
          order.value,
          order.currency,
          order.refunded,
          JSON.stringify(order.items),
        );
      }
      sql.exec("INSERT OR REPLACE INTO state (key, value) VALUES ('profile', ?)", JSON.stringify(state));
    });
  }

  recentEvents(limit: number): TrackedEvent[] {
    return this.storage.sql
      .exec<{ body: string }>("SELECT body FROM events ORDER BY ts DESC, seq DESC LIMIT ?", limit)
      .toArray()
      .map((row) => JSON.parse(row.body) as TrackedEvent);
  }

  /**
   * Folds raw events older than the retention window (or beyond the row cap) into daily counts
   * per type, and forgets event ids older than the de-duplication window.
   */
  compact(now: number): { summarized: number; forgottenIds: number } {
    const sql = this.storage.sql;
    let summarized = 0;
    let forgottenIds = 0;
    this.storage.transactionSync(() => {
      const total = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n;
      const overflow = Math.max(0, total - MAX_RAW_EVENTS);
      const where = "(ts < ? OR seq IN (SELECT seq FROM events ORDER BY ts ASC, seq ASC LIMIT ?))";
      const params = [now - RAW_EVENT_RETENTION_MS, overflow] as const;
      sql.exec(
        `INSERT INTO event_summary (day, type, count)
         SELECT strftime('%Y-%m-%d', ts / 1000, 'unixepoch'), type, COUNT(*) FROM events WHERE ${where} GROUP BY 1, 2
         ON CONFLICT (day, type) DO UPDATE SET count = count + excluded.count`,
        ...params,
      );
      summarized = sql.exec(`DELETE FROM events WHERE ${where}`, ...params).rowsWritten;
      forgottenIds = sql.exec("DELETE FROM seen_events WHERE seen_at < ?", now - DEDUP_WINDOW_MS).rowsWritten;
    });
    return { summarized, forgottenIds };
  }

  summary(): { day: string; type: string; count: number }[] {
    return this.storage.sql.exec<{ day: string; type: string; count: number }>("SELECT day, type, count FROM event_summary ORDER BY day").toArray();
  }
}
