import type { AuditEntry, IdentityTask, Route } from "../core/identity";
import { compactEvents } from "./compaction";
import { PagedRows } from "./paged-rows";
import type { OrderLedger, OrderRecord } from "../core/orders";
import { readStateParts, writeStateParts, type WrittenParts } from "./state-parts";
import type { Identifier, ProfileState, TrackedEvent } from "../core/types";
import init from "../migrations/profile-object/0001_init.sql";
import identity from "../migrations/profile-object/0002_identity.sql";
import trust from "../migrations/profile-object/0003_trust.sql";

/** The object's own schema versions, applied in order once per object. */
const MIGRATIONS: readonly string[] = [init, identity, trust];

export interface StoredEvent {
  event_id: string | null;
  type: string;
  ts: number;
  received_at: number;
  body: string;
}

/** What a person's object holds besides its paged rows (events, ids seen, devices, decision outcomes). */
export interface PersonHead {
  profileId: string;
  state: ProfileState | null;
  orders: OrderRecord[];
  summary: { day: string; type: string; count: number }[];
  audit: AuditEntry[];
  absorbed: string[];
  tasks: IdentityTask[];
  claimed: ClaimedIdentifier[];
}

export interface ClaimedIdentifier extends Identifier {
  verified: boolean;
}

/** What a batch writes besides the new state. */
export interface BatchWrite {
  events: readonly TrackedEvent[];
  orders: readonly OrderRecord[];
  tokenUses: readonly string[];
  devices: readonly string[];
  tasks: readonly IdentityTask[];
}

/** An erasure in progress: what is still to be done centrally, kept until the Worker confirms it. */
export interface ErasureJob {
  people: string[];
  identifiers: Identifier[];
  started_at: number;
}

/** Raw events are kept this long, at most `MAX_RAW_EVENTS` of them; older ones are summarized. */
export const RAW_EVENT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
export const MAX_RAW_EVENTS = 20_000;
/** Event ids (and decision outcomes, whose tokens live 7 days) are remembered this long. */
export const DEDUP_WINDOW_MS = 8 * 24 * 60 * 60 * 1000;

interface Row extends Record<string, SqlStorageValue> {}

/** Typed access to one person's SQLite storage. All writes of a batch go through `writeBatch`. */
export class ProfileStorage {
  /** Raw event rows held, counted once and then kept up to date, so the cap costs no query per batch. */
  private eventRows: number | null = null;
  /** The state's parts as last written or read: a part still the same object is not written again. */
  private written: WrittenParts = new Map();

  /** Rows that travel in pages: a hand-over's staging, an export's reads. */
  readonly pages: PagedRows;

  constructor(private readonly storage: DurableObjectStorage) {
    this.pages = new PagedRows(storage);
  }

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

  /** The stored state (see state-parts.ts). */
  loadState(): ProfileState | null {
    return readStateParts(this.storage.sql)?.state ?? null;
  }

  /** The state the object will hold and write from now on: its parts count as written. */
  openState(): ProfileState | null {
    const read = readStateParts(this.storage.sql);
    this.written = read?.written ?? new Map();
    return read?.state ?? null;
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

  /** Appends an audit line; a refused merge is recorded once per identifier and other person. */
  appendAudit(entry: AuditEntry): void {
    const other = entry.absorbed.join(",") === "" ? entry.survivor : `${entry.survivor}>${entry.absorbed.join(",")}`;
    const key = entry.type === "conflict" ? `${entry.identifier?.kind}:${entry.identifier?.value}:${other}` : null;
    this.storage.sql.exec("INSERT OR IGNORE INTO audit (at, entry, conflict_key) VALUES (?, ?, ?)", entry.at, JSON.stringify(entry), key);
  }

  /** Everything but the paged rows: what a hand-over or an export starts with. */
  head(profileId: string): PersonHead {
    return {
      profileId,
      state: this.loadState(),
      orders: [...this.ledger(null).values()],
      summary: this.summary(),
      audit: this.audit(),
      absorbed: this.absorbed(),
      tasks: this.tasks(),
      claimed: this.storage.sql
        .exec<{ kind: Identifier["kind"]; value: string; verified: number }>("SELECT kind, value, verified FROM claimed")
        .toArray()
        .map((row) => ({ kind: row.kind, value: row.value, verified: row.verified === 1 })),
    };
  }

  /**
   * Takes in an absorbed person, in one transaction: their staged rows join this person's (events
   * this person already counted are left out), their audit and summaries are added, open identity
   * tasks carried over; the united ledger, the merged state and the absorbed ids replace this person's.
   */
  absorb(
    head: PersonHead,
    state: ProfileState,
    ledger: readonly OrderRecord[],
    absorbed: readonly string[],
    entry: AuditEntry,
    tasks: readonly IdentityTask[],
  ): void {
    const sql = this.storage.sql;
    let written = this.written;
    this.storage.transactionSync(() => {
      this.pages.takeIn(head.profileId);
      for (const row of head.summary) {
        sql.exec(
          "INSERT INTO event_summary (day, type, count) VALUES (?, ?, ?) ON CONFLICT (day, type) DO UPDATE SET count = count + excluded.count",
          row.day,
          row.type,
          row.count,
        );
      }
      for (const old of head.audit) this.appendAudit(old);
      this.appendAudit(entry);
      for (const claim of head.claimed) this.markClaimed(claim);
      this.addTasks([...head.tasks, ...tasks]);
      sql.exec("DELETE FROM orders");
      this.writeOrders(ledger);
      this.writeKey("absorbed", absorbed);
      written = writeStateParts(this.storage.sql, state, this.written);
    });
    this.written = written;
    this.eventRows = null;
    this.capRawEvents(Date.now());
  }

  /**
   * Forgets everything about the person. What remains is a tombstone without personal data (the
   * time of the erasure, so that only the identifier's home, not a stale route, starts afresh
   * here) and, until the Worker confirms the central part, the erasure job.
   */
  async wipe(now: number, job: ErasureJob | null): Promise<void> {
    await this.storage.deleteAlarm();
    await this.storage.deleteAll();
    this.eventRows = null;
    this.written = new Map();
    this.migrate();
    this.writeKey("erased_at", now);
    if (job) this.writeKey("erasure_job", job);
  }

  erasedAt(): number | null {
    return this.readKey<number>("erased_at");
  }

  clearErased(): void {
    this.storage.sql.exec("DELETE FROM state WHERE key = 'erased_at'");
  }

  erasureJob(): ErasureJob | null {
    return this.readKey<ErasureJob>("erasure_job");
  }

  finishErasure(): void {
    this.storage.sql.exec("DELETE FROM state WHERE key = 'erasure_job'");
  }

  /** Every device id the person used (the profile lists only the latest ones). */
  devices(): string[] {
    return this.storage.sql
      .exec<{ anonymous_id: string }>("SELECT anonymous_id FROM devices ORDER BY rowid")
      .toArray()
      .map((row) => row.anonymous_id);
  }

  /** Keeps only the route (and the audit line saying so) once the survivor holds the data. */
  forgetAllButRoute(route: Route, entry: AuditEntry): void {
    const sql = this.storage.sql;
    this.storage.transactionSync(() => {
      for (const table of [
        "events",
        "seen_events",
        "orders",
        "event_summary",
        "audit",
        "devices",
        "identity_tasks",
        "claimed",
        "token_uses",
        "incoming",
      ]) {
        sql.exec(`DELETE FROM ${table}`);
      }
      sql.exec("DELETE FROM state");
      this.setRoute(route);
      this.appendAudit(entry);
    });
    this.written = new Map();
    this.eventRows = 0;
  }

  /** Runs `work` in one transaction: a throw rolls back every write made in it. */
  transaction<T>(work: () => T): T {
    return this.storage.transactionSync(work);
  }

  /**
   * De-duplication and its record in one statement: remembers the ids not seen before (as seen
   * at `at`) and returns those that were. Call within the batch's `transaction`, and release the
   * ids of events that were claimed but not stored (`releaseUnstored`), so a retry still stores them.
   */
  claimIds(ids: readonly string[], at: number): Set<string> {
    if (ids.length === 0) return new Set();
    const claimed = this.storage.sql
      .exec<{ event_id: string }>(
        "INSERT OR IGNORE INTO seen_events (event_id, seen_at) SELECT value, ? FROM json_each(?) RETURNING event_id",
        at,
        JSON.stringify(ids),
      )
      .toArray();
    const fresh = new Set(claimed.map((row) => row.event_id));
    return new Set(ids.filter((id) => !fresh.has(id)));
  }

  /** Forgets the claims of `ids` (not `seen` before) that no event of `stored` carries. */
  releaseUnstored(ids: readonly string[], seen: ReadonlySet<string>, stored: readonly TrackedEvent[]): void {
    const kept = new Set(stored.map((event) => event.id));
    const released = ids.filter((id) => !seen.has(id) && !kept.has(id));
    if (released.length === 0) return;
    this.storage.sql.exec("DELETE FROM seen_events WHERE event_id IN (SELECT value FROM json_each(?))", JSON.stringify(released));
  }

  /** Decision outcomes (`<decision id>:<event type>`) among these that were counted before. */
  tokenUses(uses: readonly string[]): Set<string> {
    return this.existing("SELECT use AS key FROM token_uses WHERE use IN (SELECT value FROM json_each(?))", uses);
  }

  private existing(query: string, keys: readonly string[]): Set<string> {
    if (keys.length === 0) return new Set();
    const rows = this.storage.sql.exec<{ key: string }>(query, JSON.stringify(keys));
    return new Set(rows.toArray().map((row) => row.key));
  }

  /** Identity work the index has not confirmed yet. */
  tasks(): IdentityTask[] {
    return this.storage.sql
      .exec<{ task: string }>("SELECT task FROM identity_tasks ORDER BY key")
      .toArray()
      .map((row) => JSON.parse(row.task) as IdentityTask);
  }

  /** Whether the index confirmed this identifier for this person (as proven, when `verified`). */
  isClaimed(identifier: Identifier, verified: boolean): boolean {
    const row = this.storage.sql
      .exec<{ verified: number }>("SELECT verified FROM claimed WHERE kind = ? AND value = ?", identifier.kind, identifier.value)
      .toArray()[0];
    return row !== undefined && (row.verified === 1 || !verified);
  }

  /** The Worker did these tasks: they are done, and the identifiers it confirmed are remembered. */
  settle(done: readonly string[], claimed: readonly ClaimedIdentifier[]): void {
    this.storage.transactionSync(() => {
      for (const key of done) this.storage.sql.exec("DELETE FROM identity_tasks WHERE key = ?", key);
      for (const claim of claimed) this.markClaimed(claim);
    });
  }

  addTasks(tasks: readonly IdentityTask[]): void {
    for (const task of tasks)
      this.storage.sql.exec("INSERT OR REPLACE INTO identity_tasks (key, task) VALUES (?, ?)", task.key, JSON.stringify(task));
  }

  private markClaimed(claim: ClaimedIdentifier): void {
    this.storage.sql.exec(
      "INSERT INTO claimed (kind, value, verified) VALUES (?, ?, ?) ON CONFLICT (kind, value) DO UPDATE SET verified = MAX(verified, excluded.verified)",
      claim.kind,
      claim.value,
      claim.verified ? 1 : 0,
    );
  }

  /** The ledger rows of these transactions (all rows when `transactionIds` is null). */
  ledger(transactionIds: readonly string[] | null): OrderLedger {
    const ledger: OrderLedger = new Map();
    if (transactionIds !== null && transactionIds.length === 0) return ledger;
    const rows =
      transactionIds === null
        ? this.storage.sql.exec<Row>("SELECT * FROM orders")
        : this.storage.sql.exec<Row>(
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

  /**
   * Writes a batch's events, decision outcomes, devices, order rows, identity tasks and the new
   * state. Call within the batch's `transaction`, which also holds the claim of its event ids.
   */
  writeBatch(state: ProfileState, write: BatchWrite, receivedAt: number): void {
    const sql = this.storage.sql;
    for (const event of write.events) {
      sql.exec(
        "INSERT INTO events (event_id, type, ts, received_at, body) VALUES (?, ?, ?, ?, ?)",
        event.id,
        event.type,
        event.ts,
        receivedAt,
        JSON.stringify(event),
      );
    }
    for (const use of write.tokenUses) sql.exec("INSERT OR IGNORE INTO token_uses (use, used_at) VALUES (?, ?)", use, receivedAt);
    for (const device of write.devices)
      sql.exec("INSERT OR IGNORE INTO devices (anonymous_id, first_seen_at) VALUES (?, ?)", device, receivedAt);
    this.addTasks(write.tasks);
    this.writeOrders(write.orders);
    this.written = writeStateParts(this.storage.sql, state, this.written);
    if (this.eventRows !== null) this.eventRows += write.events.length;
    if (write.events.length > 0) this.capRawEvents(receivedAt);
  }

  /** Writes a state that changed without events (a decision's sticky assignment). */
  writeState(state: ProfileState): void {
    this.written = this.storage.transactionSync(() => writeStateParts(this.storage.sql, state, this.written));
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

  /** The raw-event cap holds on every write, not only after the daily compaction. */
  /**
   * Past the cap, the oldest raw events are summarized down to 90% of it: a person at the cap
   * pays for one compaction per 2,000 events, not one per batch.
   */
  private capRawEvents(now: number): void {
    this.eventRows ??= this.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n;
    if (this.eventRows > MAX_RAW_EVENTS) this.compact(now, false, Math.floor(MAX_RAW_EVENTS * 0.9));
  }

  /**
   * Folds raw events older than the retention window (or beyond the row cap) into daily counts
   * per type, and forgets event ids and decision outcomes older than their windows.
   */
  compact(now: number, forget = true, keep = MAX_RAW_EVENTS): { summarized: number; forgottenIds: number } {
    const result = this.storage.transactionSync(() =>
      compactEvents(this.storage.sql, {
        foldBefore: now - RAW_EVENT_RETENTION_MS,
        keep,
        forgetBefore: forget ? now - DEDUP_WINDOW_MS : null,
      }),
    );
    this.eventRows = result.remaining;
    return { summarized: result.summarized, forgottenIds: result.forgottenIds };
  }

  summary(): { day: string; type: string; count: number }[] {
    return this.storage.sql
      .exec<{ day: string; type: string; count: number }>("SELECT day, type, count FROM event_summary ORDER BY day")
      .toArray();
  }
}
