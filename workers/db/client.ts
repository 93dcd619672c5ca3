/**
 * The central database, on either of two drivers chosen by the Worker's settings: a libSQL server
 * (Turso, sqld) when `DATABASE_URL` is set, else the D1 binding `DB`. Every query in workers/db is
 * written once against `Database`, which both drivers satisfy.
 */
import {
  type Client,
  createClient,
  type InArgs,
  type InStatement,
  type Replicated,
  type ResultSet,
  type Transaction,
  type TransactionMode,
} from "@libsql/client/web";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import { drizzle as drizzleD1 } from "drizzle-orm/d1";
import { drizzle as drizzleLibsql } from "drizzle-orm/libsql/web";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { chooseDatabase, type DatabaseChoice, type DatabaseSettings } from "./database-url";
import { DatabaseMisconfigured, retryWhileBusy, translateLibsqlError } from "./failures";
import * as schema from "./schema";

/** What the queries may use: drizzle's SQLite API, and batches (one round trip, one transaction, on both drivers). */
export interface Database extends BaseSQLiteDatabase<"async", unknown, typeof schema> {
  batch<U extends BatchItem<"sqlite">, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>>;
}

/** The settings that choose the driver: the D1 binding and the two libSQL secrets. */
export type DatabaseEnv = DatabaseSettings & { DB: D1Database };

/** Told how many statements go to the database, as they are sent (a batch counts each of its statements). */
export type CountStatements = (statements: number) => void;

const countNothing: CountStatements = () => {};

/**
 * The central database of this configuration. Building drizzle's relational config is not free,
 * so there is one instance per isolate, configuration and counter. A libSQL setting that cannot
 * work does not throw here: every query then fails with `DatabaseMisconfigured`, so requests
 * that need no query (cached shops and keys) keep working.
 */
export function centralDatabase(env: DatabaseEnv, count: CountStatements = countNothing): Database {
  if (!env.DATABASE_URL) return d1Instance(env.DB, count);
  return libsqlInstance(env, count) ?? d1Instance(env.DB, count);
}

/** A drizzle handle on a D1 binding itself (tests that watch the binding's calls use it). */
export function database(binding: D1Database): Database {
  return d1Instance(binding, countNothing);
}

const d1Instances = new Map<CountStatements, WeakMap<D1Database, Database>>();

function d1Instance(binding: D1Database, count: CountStatements): Database {
  let byBinding = d1Instances.get(count);
  if (!byBinding) {
    byBinding = new WeakMap();
    d1Instances.set(count, byBinding);
  }
  let db = byBinding.get(binding);
  if (!db) {
    db = drizzleD1(count === countNothing ? binding : countingD1(binding, count), { schema });
    byBinding.set(binding, db);
  }
  return db;
}

/** D1 prepares each statement once, batched or not: one prepare is one statement sent. */
function countingD1(binding: D1Database, count: CountStatements): D1Database {
  return new Proxy(binding, {
    get(target, property) {
      if (property === "prepare") {
        return (query: string) => {
          count(1);
          return target.prepare(query);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const libsqlInstances = new Map<CountStatements, Map<string, Database>>();

/** The libSQL instance of these settings (checked once per isolate, not per request), or null when they choose D1. */
function libsqlInstance(settings: DatabaseSettings, count: CountStatements): Database | null {
  let byConfiguration = libsqlInstances.get(count);
  if (!byConfiguration) {
    byConfiguration = new Map();
    libsqlInstances.set(count, byConfiguration);
  }
  const key = `${settings.DATABASE_URL}\n${settings.DATABASE_AUTH_TOKEN ?? ""}`;
  let db = byConfiguration.get(key);
  if (!db) {
    const choice = chooseDatabase(settings);
    if (choice.driver === "d1") return null;
    db = drizzleLibsql(new PerCallClient(opener(choice), count), { schema });
    byConfiguration.set(key, db);
  }
  return db;
}

/** Longest a libSQL call may take: a server that accepts a call and never answers must not hold a request (or the cron) forever. */
const LIBSQL_CALL_TIMEOUT_MS = 10_000;

/** The client's requests with a deadline; one that passes it fails as an unanswering server (503 unavailable). */
function fetchWithDeadline(request: Request): Promise<Response> {
  return fetch(request, { signal: AbortSignal.timeout(LIBSQL_CALL_TIMEOUT_MS) });
}

/** Opens a libSQL client for one call, or fails as the configuration must. */
function opener(choice: Exclude<DatabaseChoice, { driver: "d1" }>): () => Client {
  if (choice.driver === "libsql") return () => createClient({ url: choice.url, authToken: choice.authToken, fetch: fetchWithDeadline });
  return () => {
    throw new DatabaseMisconfigured(choice.setting, choice.message);
  };
}

/**
 * A libSQL client that opens a fresh HTTP client for every call. A shared one would queue calls
 * of different requests behind each other (its concurrency limit), and the Workers runtime does
 * not let one request finish I/O another started; opening one costs no I/O. Errors leave it
 * translated (failures.ts): a refused token or a server that does not answer is named as such.
 */
class PerCallClient implements Client {
  readonly protocol = "http";
  readonly closed = false;

  constructor(
    private readonly open: () => Client,
    private readonly count: CountStatements,
  ) {}

  execute(stmt: InStatement): Promise<ResultSet>;
  execute(sql: string, args?: InArgs): Promise<ResultSet>;
  execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
    this.count(1);
    return this.call((client) => (typeof stmtOrSql === "string" ? client.execute(stmtOrSql, args) : client.execute(stmtOrSql)));
  }

  /**
   * drizzle sends its batches without a mode, which libSQL runs as a deferred transaction: one
   * that reads first and writes later must upgrade its lock, and concurrent upgrades kept a local
   * sqld from answering at all in the bench (hundreds of objects writing outbox rows). A batch
   * therefore takes the write lock when it begins (`BEGIN IMMEDIATE`), as D1 serializes it anyway.
   */
  batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = "write"): Promise<ResultSet[]> {
    this.count(stmts.length);
    return this.call((client) => client.batch(stmts, mode));
  }

  migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    this.count(stmts.length);
    return this.call((client) => client.migrate(stmts));
  }

  /** An interactive transaction (none of the queries uses one; its statements are not counted). */
  transaction(mode?: TransactionMode): Promise<Transaction> {
    return this.call((client) => client.transaction(mode));
  }

  executeMultiple(sql: string): Promise<void> {
    this.count(1);
    return this.call((client) => client.executeMultiple(sql));
  }

  sync(): Promise<Replicated> {
    return this.call((client) => client.sync());
  }

  /** Nothing stays open between calls. */
  close(): void {}
  reconnect(): void {}

  private async call<T>(use: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await retryWhileBusy(() => use(this.open()));
    } catch (error) {
      throw translateLibsqlError(error);
    }
  }
}
