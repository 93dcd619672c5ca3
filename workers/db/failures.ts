/**
 * The central database's failures that are not the request's fault nor a bug: a libSQL setting
 * that cannot work, or a libSQL server that does not answer. The libSQL client's errors are
 * translated into these where they arise (workers/db/client.ts); the API answers them with a
 * 503 (workers/errors.ts) and the cron dispatcher simply runs again a minute later.
 */
import { LibsqlError } from "@libsql/client/web";
import type { DatabaseSetting } from "./database-url";

/** A libSQL setting that can never work (a malformed URL, a refused token): fixing the secret is the cure. */
export class DatabaseMisconfigured extends Error {
  constructor(
    readonly setting: DatabaseSetting,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "DatabaseMisconfigured";
  }
}

/** The libSQL server did not answer, or answered that it cannot serve now: trying later may work. */
export class DatabaseUnavailable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DatabaseUnavailable";
  }
}

export type DatabaseFailure = DatabaseMisconfigured | DatabaseUnavailable;

/** The failure behind `error`, looking through the wrappers drizzle puts around a driver's error. */
export function databaseFailureIn(error: unknown): DatabaseFailure | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (current instanceof DatabaseMisconfigured || current instanceof DatabaseUnavailable) return current;
    current = current.cause;
  }
  return null;
}

/** libSQL's SQL errors (constraint, syntax…) carry SQLite's codes; the rest concern the connection. */
const CONNECTION_CODES = new Set(["SERVER_ERROR", "HRANA_PROTO_ERROR", "HRANA_CLOSED_ERROR", "PROTOCOL_VERSION_ERROR", "UNKNOWN"]);

/**
 * What an error of the libSQL client means: a refused token or a URL that leads to no libSQL
 * server names its setting; a network failure or a server error is unavailability; an SQL error
 * (a constraint, say) is returned as it is, for the code that issued the statement.
 */
export function translateLibsqlError(error: unknown): unknown {
  if (error instanceof DatabaseMisconfigured || error instanceof DatabaseUnavailable) return error;
  const status = httpStatusIn(error);
  if (status === 401 || status === 403) {
    return new DatabaseMisconfigured("DATABASE_AUTH_TOKEN", `DATABASE_AUTH_TOKEN was refused by the libSQL server (HTTP ${status})`, {
      cause: error,
    });
  }
  if (status === 404 || status === 405) {
    return new DatabaseMisconfigured("DATABASE_URL", `DATABASE_URL does not lead to a libSQL server (HTTP ${status})`, { cause: error });
  }
  if (status !== null) return new DatabaseUnavailable(`the libSQL server at DATABASE_URL answered HTTP ${status}`, { cause: error });
  if (isBusy(error)) return new DatabaseUnavailable("the libSQL server stayed busy with other writes", { cause: error });
  if (isSqlError(error)) return error;
  return new DatabaseUnavailable(`the libSQL server at DATABASE_URL did not answer: ${messageOf(error)}`, { cause: error });
}

/** The HTTP status of the hrana client's `HttpServerError`, wherever it sits in the cause chain. */
function httpStatusIn(error: unknown): number | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    const status: unknown = Reflect.get(current, "status");
    if (current.name === "HttpServerError" && typeof status === "number") return status;
    current = current.cause;
  }
  return null;
}

/**
 * SQLite's "database is locked": the server was busy with another write and did not run this
 * statement (or rolled back this batch), so running it again is safe.
 */
export function isBusy(error: unknown): boolean {
  return error instanceof LibsqlError && (error.code === "SQLITE_BUSY" || error.code === "SQLITE_LOCKED");
}

const BUSY_ATTEMPTS = 6;
const BUSY_FIRST_WAIT_MS = 10;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a libSQL call again while the server answers busy: concurrent writers (two requests
 * claiming identifiers at once) meet this on any libSQL server, where D1 queues them itself.
 * Waits grow from 10 ms with jitter, about 0.6 s in all, before the busy error is left to the
 * caller (a 503 with Retry-After).
 */
export async function retryWhileBusy<T>(call: () => Promise<T>, wait: (ms: number) => Promise<void> = pause): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isBusy(error) || attempt >= BUSY_ATTEMPTS) throw error;
      await wait(BUSY_FIRST_WAIT_MS * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}

function isSqlError(error: unknown): boolean {
  return error instanceof LibsqlError && !CONNECTION_CODES.has(error.code);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An unanswering server is logged at most this often per isolate: a log line per request would drown the rest. */
const UNAVAILABLE_LOG_INTERVAL_MS = 10_000;
const loggedMisconfigurations = new Set<string>();
let unavailableLoggedAt = Number.NEGATIVE_INFINITY;

/** Logs a failure once per isolate (a misconfiguration) or once per interval (unavailability). */
export function logDatabaseFailure(failure: DatabaseFailure, now = Date.now()): void {
  if (failure instanceof DatabaseMisconfigured) {
    if (loggedMisconfigurations.has(failure.message)) return;
    loggedMisconfigurations.add(failure.message);
    console.error(`central database misconfigured: ${failure.message}`);
    return;
  }
  if (now - unavailableLoggedAt < UNAVAILABLE_LOG_INTERVAL_MS) return;
  unavailableLoggedAt = now;
  console.error(`central database unavailable: ${failure.message}`);
}
