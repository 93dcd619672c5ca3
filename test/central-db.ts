// The central database the tests read and write beside the Worker: the D1 binding `DB`, or in the
// `-libsql` projects the libSQL server at DATABASE_URL. Tests never touch `env.DB` directly, so the
// same test proves the same thing on both drivers.
import { env } from "cloudflare:test";
import { type Client, createClient, type InStatement, type InValue, type ResultSet } from "@libsql/client/web";
import { drizzle as drizzleLibsql } from "drizzle-orm/libsql/web";
import { centralDatabase as workerCentralDatabase, type Database, database } from "../workers/db/client";
import * as schema from "../workers/db/schema";

/** True in the runs against the libSQL server (the `workers-libsql` and `flows-libsql` projects). */
export function onLibsql(): boolean {
  return (env.DATABASE_URL ?? "").trim() !== "";
}

/** The small D1-like surface the tests use for SQL of their own. */
export interface CentralStatement {
  bind(...values: unknown[]): CentralStatement;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  all<T = Record<string, unknown>>(): Promise<{ results: T[] }>;
  run(): Promise<void>;
}

export interface CentralDb {
  prepare(sql: string): CentralStatement;
  /** The statements in one round trip, all or none (a D1 batch; a libSQL write batch). */
  batch(statements: CentralStatement[]): Promise<void>;
}

class D1Statement implements CentralStatement {
  constructor(readonly statement: D1PreparedStatement) {}
  bind(...values: unknown[]): CentralStatement {
    return new D1Statement(this.statement.bind(...values));
  }
  first<T>(): Promise<T | null> {
    return this.statement.first<T>();
  }
  async all<T>(): Promise<{ results: T[] }> {
    return { results: (await this.statement.all<T>()).results };
  }
  async run(): Promise<void> {
    await this.statement.run();
  }
}

function d1Db(binding: D1Database): CentralDb {
  return {
    prepare: (sql) => new D1Statement(binding.prepare(sql)),
    async batch(statements) {
      await binding.batch(statements.map((statement) => unwrap(statement, D1Statement).statement));
    },
  };
}

/** libSQL binds fewer JavaScript types than D1; a test binding something else is a bug in the test. */
function inValue(value: unknown): InValue {
  if (value === undefined) return null;
  if (value === null || ["string", "number", "bigint", "boolean"].includes(typeof value)) return value as InValue;
  if (value instanceof ArrayBuffer || value instanceof Uint8Array || value instanceof Date) return value;
  throw new TypeError(`cannot bind ${typeof value} to a libSQL statement`);
}

/** Rows as plain objects keyed by column, as D1 returns them (libSQL's rows are also arrays). */
function plainRows<T>(result: ResultSet): T[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((column, index) => [column, row[index]])) as T);
}

class LibsqlStatement implements CentralStatement {
  constructor(
    private readonly client: Client,
    readonly sql: string,
    readonly args: InValue[] = [],
  ) {}
  get inStatement(): InStatement {
    return { sql: this.sql, args: this.args };
  }
  bind(...values: unknown[]): CentralStatement {
    return new LibsqlStatement(this.client, this.sql, values.map(inValue));
  }
  async first<T>(): Promise<T | null> {
    return plainRows<T>(await this.client.execute(this.inStatement))[0] ?? null;
  }
  async all<T>(): Promise<{ results: T[] }> {
    return { results: plainRows<T>(await this.client.execute(this.inStatement)) };
  }
  async run(): Promise<void> {
    await this.client.execute(this.inStatement);
  }
}

function libsqlDb(client: Client): CentralDb {
  return {
    prepare: (sql) => new LibsqlStatement(client, sql),
    async batch(statements) {
      await client.batch(
        statements.map((statement) => unwrap(statement, LibsqlStatement).inStatement),
        "write",
      );
    },
  };
}

function unwrap<T extends CentralStatement>(statement: CentralStatement, kind: new (...args: never[]) => T): T {
  if (!(statement instanceof kind)) throw new TypeError("a batch takes statements prepared by the same centralDb()");
  return statement;
}

/** One HTTP client per test file (isolate): it holds no connection, each call is a request. */
let client: Client | undefined;
export function libsqlClient(): Client {
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not bound: this is not a libSQL run");
  client ??= createClient({ url: env.DATABASE_URL, authToken: env.DATABASE_AUTH_TOKEN || undefined });
  return client;
}

/** SQL of the test's own against this run's central database. */
export function centralDb(): CentralDb {
  return onLibsql() ? libsqlDb(libsqlClient()) : d1Db(env.DB);
}

/** The drizzle handle the Worker itself builds from this run's settings, for calling workers/db directly. */
export function centralDatabase(): Database {
  return workerCentralDatabase(env);
}

/**
 * A drizzle handle that records the statements it sends and its batches (one round trip each),
 * and with `down` fails every batch as an unreachable database would.
 */
export function recordingDatabase(options: { down?: boolean } = {}): { db: Database; statements: string[]; trips: { count: number } } {
  const statements: string[] = [];
  const trips = { count: 0 };
  const failBatch = () => Promise.reject(new Error("the central database is down"));
  if (onLibsql()) {
    const recorded = new Proxy(libsqlClient(), {
      get(target, property) {
        if (property === "execute") {
          return (statement: InStatement | string, args?: InValue[]) => {
            statements.push(typeof statement === "string" ? statement : statement.sql);
            return args ? target.execute(statement as string, args) : target.execute(statement);
          };
        }
        if (property === "batch") {
          return (batch: (InStatement | string)[], mode?: "write" | "read" | "deferred") => {
            trips.count += 1;
            for (const statement of batch) statements.push(typeof statement === "string" ? statement : statement.sql);
            return options.down ? failBatch() : target.batch(batch, mode);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    return { db: drizzleLibsql(recorded, { schema }), statements, trips };
  }
  const recorded = new Proxy(env.DB, {
    get(target, property) {
      if (property === "prepare") {
        return (query: string) => {
          statements.push(query);
          return target.prepare(query);
        };
      }
      if (property === "batch") {
        return (batch: D1PreparedStatement[]) => {
          trips.count += 1;
          return options.down ? failBatch() : target.batch(batch);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: database(recorded), statements, trips };
}
