import type { AuditEntry, Route } from "../core/identity";
import type { OrderLedger, OrderRecord } from "../core/orders";
import { upgradeState } from "../core/profile";
import type { ProfileState, TrackedEvent } from "../core/types";
import init from "../migrations/profile-object/0001_init.sql";
import identity from "../migrations/profile-object/0002_identity.sql";

/** The object's own schema versions, applied in order once per object. */
const MIGRATIONS: readonly string[] = [init, identity];

export interface StoredEvent {
  event_id: string | null;
  type: string;
  ts: number;
  received_at: number;
  body: string;
}

/** Everything a person's object holds, as one value: what a merge hands over and an export shows. */
export interface ProfileDump {
  profileId: string;
  state: ProfileState | null;
  events: StoredEvent[];
  seenIds: { event_id: string; seen_at: number }[];
  orders: OrderRecord[];
  summary: { day: string; type: string; count: number }[];
  audit: AuditEntry[];
  absorbed: string[];
}

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

  private readKey<T>(key: string): T | null {
    const row = this.storage.sql.exec<{ value: string }>("SELECT value FROM state WHERE key = ?", key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : null;
  }

  private writeKey(key: string, value: unknown): void {
    this.storage.sql.exec("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", key, JSON.stringify(value));
  }

  loadState(): ProfileState | null {
    const stored = this.readKey<ProfileState>("profile");
    return stored ? upgradeState(stored) : null;
  }

  /** The shop this person belongs to (known once anything is stored). */
  shopId(): string | null {
    return this.readKey<string>("shop");
  }

  route(): Route {
    return this.readKey<Route>("route") ?? { status: "active" };
  }

  setRoute(route: Route): void {
    this.writeKey("route", route);
  }

  /** Profile ids this person absorbed, directly or through chains. */
  absorbed(): string[] {
    return this.readKey<string[]>("absorbed") ?? [];
  }

  audit(): AuditEntry[] {
    return this.storage.sql
      .exec<{ entry: string }>("SELECT entry FROM audit ORDER BY seq")
      .toArray()
      .map((row) => JSON.parse(row.entry) as AuditEntry);
  }

  appendAudit(entry: AuditEntry): void {
    this.storage.sql.exec("INSERT INTO audit (at, entry) VALUES (?, ?)", entry.at, JSON.stringify(entry));
  }

  dump(profileId: string): ProfileDump {
    const sql = this.storage.sql;
    return {
      profileId,
      state: this.loadState(),
      events: sql.exec<Record<string, SqlStorageValue>>("SELECT event_id, type, ts, received_at, body FROM events ORDER BY seq").toArray() as unknown as StoredEvent[],
      seenIds: sql.exec<{ event_id: string; seen_at: number }>("SELECT event_id, seen_at FROM seen_events").toArray(),
      orders: [...this.ledger(null).values()],
      summary: this.summary(),
      audit: this.audit(),
      absorbed: this.absorbed(),
    };
  }

  /**
   * Takes in an absorbed person's data next to this one's, in one transaction: their events, ids
   * seen, summaries and audit are added; the united ledger, the merged state and the list of
   * absorbed ids replace this person's.
   */
  absorb(dump: ProfileDump, state: ProfileState, ledger: readonly OrderRecord[], absorbed: readonly string[], entry: AuditEntry, shopId: string): void {
    const sql = this.storage.sql;
    this.storage.transactionSync(() => {
      this.writeKey("shop", shopId);
      for (const event of dump.events) {
        sql.exec("INSERT INTO events (event_id, type, ts, received_at, body) VALUES (?, ?, ?, ?, ?)", event.event_id, event.type, event.ts, event.received_at, event.body);
      }
      for (const seen of dump.seenIds) sql.exec("INSERT OR IGNORE INTO seen_events (event_id, seen_at) VALUES (?, ?)", seen.event_id, seen.seen_at);
      for (const row of dump.summary) {
        sql.exec(
          "INSERT INTO event_summary (day, type, count) VALUES (?, ?, ?) ON CONFLICT (day, type) DO UPDATE SET count = count + excluded.count",
          row.day,
          row.type,
          row.count,
        );
      }
      for (const old of dump.audit) this.appendAudit(old);
      this.appendAudit(entry);
      sql.exec("DELETE FROM orders");
      this.writeOrders(ledger);
      this.writeKey("absorbed", absorbed);
      this.writeKey("profile", state);
    });
  }

  /**
   * Forgets everything about the person. What remains is a tombstone without personal data: the
   * time of the erasure, so that only the identifier's home (not a stale route) starts afresh here.
   */
  async wipe(now: number): Promise<void> {
    await this.storage.deleteAlarm();
    await this.storage.deleteAll();
    this.migrate();
    this.writeKey("erased_at", now);
  }

  erasedAt(): number | null {
    return this.readKey<number>("erased_at");
  }

  clearErased(): void {
    this.storage.sql.exec("DELETE FROM state WHERE key = 'erased_at'");
  }

  /** Keeps only the route (and the audit line saying so) once the survivor holds the data. */
  forgetAllButRoute(route: Route, entry: AuditEntry): void {
    const sql = this.storage.sql;
    this.storage.transactionSync(() => {
      for (const table of ["events", "seen_events", "orders", "event_summary", "audit"]) sql.exec(`DELETE FROM ${table}`);
      sql.exec("DELETE FROM state");
      this.setRoute(route);
      this.appendAudit(entry);
    });
  }

  seenIds(ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = this.storage.sql.exec<{ event_id: string }>(
      "SELECT event_id FROM seen_events WHERE event_id IN (SELECT value FROM json_each(?))",
      JSON.stringify(ids),
    );
    return new Set(rows.toArray().map((row) => row.event_id));
  }

  /** The ledger rows of these transactions (all rows when `transactionIds` is null). */
  ledger(transactionIds: readonly string[] | null): OrderLedger {
    const ledger: OrderLedger = new Map();
    if (transactionIds !== null && transactionIds.length === 0) return ledger;
    const rows =
      transactionIds === null
        ? this.storage.sql.exec<Row>("SELECT * FROM orders")
        : this.storage.sql.exec<Row>("SELECT * FROM orders WHERE transaction_id IN (SELECT value FROM json_each(?))", JSON.stringify(transactionIds));
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
  writeBatch(state: ProfileState, events: readonly TrackedEvent[], orders: readonly OrderRecord[], receivedAt: number, shopId: string): void {
    const sql = this.storage.sql;
    this.storage.transactionSync(() => {
      this.writeKey("shop", shopId);
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
      this.writeOrders(orders);
      this.writeKey("profile", state);
    });
  }

  private writeOrders(orders: readonly OrderRecord[]): void {
    for (const order of orders) {
      this.storage.sql.exec(
        "INSERT OR REPLACE INTO orders (transaction_id, at, value, currency, refunded, items) VALUES (?, ?, ?, ?, ?, ?)",
        order.transaction_id,
        order.at,
        order.value,
        order.currency,
        order.refunded,
        JSON.stringify(order.items),
      );
    }
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
