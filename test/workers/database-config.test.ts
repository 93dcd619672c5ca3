// The central database's configuration and failures. The project's bindings are fixed, so the
// Worker is called here with an env of the test's own (`app.fetch(request, env, ctx)`): the same
// modules, the same isolate caches, another DATABASE_URL. Runs on D1 and, in the libSQL projects,
// on the libSQL server alike.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { LibsqlError } from "@libsql/client/web";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../../workers/app";
import { centralDatabase, type CountStatements } from "../../workers/db/client";
import { chooseDatabase } from "../../workers/db/database-url";
import { DatabaseUnavailable, databaseFailureIn, retryWhileBusy, translateLibsqlError } from "../../workers/db/failures";
import { scheduleNext } from "../../workers/db/outbox";
import { outbox } from "../../workers/db/schema";
import { dispatchDue, LEASE_MS } from "../../workers/dispatcher";
import { scheduled } from "../../workers/scheduled";
import { BASE, createShop, SHOP_ORIGIN, type TestShop, visitorId } from "../helpers";

/** Nothing listens on the discard port: connections are refused at once. */
const UNREACHABLE = "http://127.0.0.1:9";

afterEach(() => {
  vi.restoreAllMocks();
});

async function callWorker(path: string, init: RequestInit, settings: Partial<Env>): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`${BASE}${path}`, init), { ...env, ...settings }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** A request that needs the central database: an unknown secret key is looked up there (once per isolate and key). */
function listCampaignsWithUnknownKey(settings: Partial<Env>): Promise<Response> {
  return callWorker("/v1/campaigns", { headers: { authorization: `Bearer sk_${visitorId("unknown")}` } }, settings);
}

function collectFor(shop: TestShop, anonymousId: string, settings: Partial<Env>): Promise<Response> {
  const body = { site: shop.site_key, anonymous_id: anonymousId, events: [{ type: "page_view", page: { url: `${SHOP_ORIGIN}/` } }] };
  return callWorker(
    "/v1/collect",
    { method: "POST", headers: { origin: SHOP_ORIGIN, "content-type": "application/json" }, body: JSON.stringify(body) },
    settings,
  );
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe("choosing the central database", () => {
  it("uses D1 when DATABASE_URL is unset or blank", () => {
    expect(chooseDatabase({})).toEqual({ driver: "d1" });
    expect(chooseDatabase({ DATABASE_URL: "  ", DATABASE_AUTH_TOKEN: "ignored" })).toEqual({ driver: "d1" });
  });

  it("uses libSQL for libsql, https and http URLs, with the token trimmed of a pasted newline", () => {
    expect(chooseDatabase({ DATABASE_URL: "libsql://shop-db.turso.io", DATABASE_AUTH_TOKEN: "eyJ.abc.def\n" })).toEqual({
      driver: "libsql",
      url: "libsql://shop-db.turso.io",
      authToken: "eyJ.abc.def",
    });
    expect(chooseDatabase({ DATABASE_URL: "https://db.example/" })).toMatchObject({ driver: "libsql", authToken: undefined });
    expect(chooseDatabase({ DATABASE_URL: "http://127.0.0.1:8080" })).toMatchObject({ driver: "libsql" });
  });

  it("names DATABASE_URL when it cannot lead to a libSQL server, without echoing its value", () => {
    const cases = [
      ["not a url", "is not a URL"],
      ["ws://db.example", "must start with libsql://, https:// or http://"],
      ["file:///tmp/local.db", "must start with"],
      ["https://user:secret@db.example", "must not carry credentials"],
      ["libsql://db.example?authToken=secret", "must have no query"],
    ] as const;
    for (const [url, problem] of cases) {
      const choice = chooseDatabase({ DATABASE_URL: url });
      expect(choice).toMatchObject({ driver: "misconfigured", setting: "DATABASE_URL" });
      if (choice.driver !== "misconfigured") continue;
      expect(choice.message).toContain(problem);
      expect(choice.message).not.toContain("secret");
    }
  });

  it("names DATABASE_AUTH_TOKEN when the token holds spaces or control characters", () => {
    expect(chooseDatabase({ DATABASE_URL: "libsql://db.example", DATABASE_AUTH_TOKEN: "two words" })).toMatchObject({
      driver: "misconfigured",
      setting: "DATABASE_AUTH_TOKEN",
    });
  });

  it("passes SQL errors through untouched: a constraint is the caller's to handle, not an outage", () => {
    const constraint = new LibsqlError("UNIQUE constraint failed: shops.id", "SQLITE_CONSTRAINT");
    expect(translateLibsqlError(constraint)).toBe(constraint);
    expect(translateLibsqlError(new TypeError("Network connection lost."))).toBeInstanceOf(DatabaseUnavailable);
  });
});

describe("a libSQL server busy with other writes", () => {
  const busy = () => new LibsqlError("SQLite error: database is locked", "SQLITE_BUSY");
  const noWait = async () => {};

  it("runs the call again until the server takes it, waiting longer each time", async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryWhileBusy(
      async () => {
        calls += 1;
        if (calls < 3) throw busy();
        return "claimed";
      },
      async (ms) => {
        waits.push(ms);
      },
    );
    expect(result).toBe("claimed");
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(0);
  });

  it("gives up after a few attempts, and the busy error becomes unavailability (a 503), not a 500", async () => {
    let calls = 0;
    const failing = retryWhileBusy(async () => {
      calls += 1;
      throw busy();
    }, noWait);
    const error = await failing.catch((caught: unknown) => caught);
    expect(calls).toBe(6);
    expect(translateLibsqlError(error)).toBeInstanceOf(DatabaseUnavailable);
  });

  it("never runs again a statement that failed for another reason", async () => {
    let calls = 0;
    const constraint = new LibsqlError("UNIQUE constraint failed", "SQLITE_CONSTRAINT");
    await expect(
      retryWhileBusy(async () => {
        calls += 1;
        throw constraint;
      }, noWait),
    ).rejects.toBe(constraint);
    expect(calls).toBe(1);
  });
});

describe("batches on libSQL", () => {
  it("take the write lock when they begin (BEGIN IMMEDIATE), not on their first write", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const realFetch = globalThis.fetch;
    const bodies: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.startsWith("https://capture.db.test/")) return realFetch(input, init);
      bodies.push(await request.text());
      return new Response("unavailable", { status: 503 });
    });
    const db = centralDatabase({ ...env, DATABASE_URL: "https://capture.db.test" });
    const batch = db.batch([db.select().from(outbox).limit(1), db.delete(outbox).where(eq(outbox.shopId, "none"))]);
    expect(databaseFailureIn(await batch.catch((error: unknown) => error))).toBeInstanceOf(DatabaseUnavailable);
    expect(bodies.join("\n")).toContain("BEGIN IMMEDIATE");
  });
});

describe("a central database that cannot be used", () => {
  it("answers 503 database_misconfigured naming DATABASE_URL, and logs it once", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const settings = { DATABASE_URL: "ftp://db.example" };
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await listCampaignsWithUnknownKey(settings);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("60");
      const error = await errorOf(response);
      expect(error.code).toBe("database_misconfigured");
      expect(error.message).toContain("DATABASE_URL must start with libsql://, https:// or http://");
    }
    const lines = log.mock.calls.map((call) => String(call[0])).filter((line) => line.includes("ftp:"));
    expect(lines).toHaveLength(1);
  });

  it("answers 503 database_misconfigured naming DATABASE_AUTH_TOKEN when the server refuses the token", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      const url = new Request(input).url;
      return url.startsWith("https://refusing.db.test/")
        ? Promise.resolve(new Response("Unauthorized", { status: 401 }))
        : realFetch(input, init);
    });
    const response = await listCampaignsWithUnknownKey({ DATABASE_URL: "libsql://refusing.db.test", DATABASE_AUTH_TOKEN: "expired" });
    expect(response.status).toBe(503);
    const error = await errorOf(response);
    expect(error.code).toBe("database_misconfigured");
    expect(error.message).toContain("DATABASE_AUTH_TOKEN was refused");
  });

  it("gives up on a libSQL server that takes a call and never answers: 503 unavailable after 10 s, not a request held forever", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const realFetch = globalThis.fetch;
    const stalled: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      const request = new Request(input);
      if (!request.url.startsWith("https://stalling.db.test/")) return realFetch(input, init);
      stalled.push(request.url);
      const signal = init?.signal;
      return new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));
    });
    const started = Date.now();
    const response = await listCampaignsWithUnknownKey({ DATABASE_URL: "libsql://stalling.db.test" });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe("unavailable");
    expect(stalled.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
  }, 30_000);

  it("answers 503 unavailable with Retry-After when the libSQL server does not answer, not a 500", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await listCampaignsWithUnknownKey({ DATABASE_URL: UNREACHABLE });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect((await errorOf(response)).code).toBe("unavailable");
  });

  it("keeps serving collects that need no central query: the shop and its key are cached in the isolate", async () => {
    const shop = await createShop();
    const person = visitorId("cached");
    const warm = await collectFor(shop, person, {});
    expect(warm.status).toBe(200);
    const again = await collectFor(shop, person, { DATABASE_URL: UNREACHABLE });
    expect(again.status).toBe(200);
    expect(again.headers.get("server-timing")).toContain('db;desc="0 queries"');
    expect(((await again.json()) as { events: { stored: number } }).events.stored).toBe(1);
  });
});

describe("the cron dispatcher without its database", () => {
  // Due times far in the past: no other test's outbox rows are due this early.
  const now = 5_000;

  async function dueRow(shopId: string, profileId: string) {
    const [row] = await centralDatabase(env)
      .select()
      .from(outbox)
      .where(and(eq(outbox.shopId, shopId), eq(outbox.profileId, profileId)));
    return row;
  }

  it("fails the run when the server does not answer, leaving every due person due for the next run", async () => {
    const shopId = `shop_dbcfg_${visitorId()}`;
    await scheduleNext(centralDatabase(env), shopId, "p1", 1_000, 1);
    const runEnv = { ...env, PUBLIC_URL: "http://nudge.test", DATABASE_URL: UNREACHABLE };
    const failure = await dispatchDue(runEnv, now).then(
      () => null,
      (error: unknown) => databaseFailureIn(error),
    );
    expect(failure).toBeInstanceOf(DatabaseUnavailable);
    expect(await dueRow(shopId, "p1")).toMatchObject({ dueAt: 1_000, leaseOwner: null });
  });

  it("ends the cron run with one line saying so, instead of an unhandled error", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "error").mockImplementation(() => {});
    const controller = { cron: "* * * * *", scheduledTime: now, noRetry: () => {} } satisfies ScheduledController;
    await expect(scheduled(controller, { ...env, PUBLIC_URL: "http://nudge.test", DATABASE_URL: UNREACHABLE })).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith("cron * * * * *: central database unavailable; due messages wait for the next run");
  });

  it("leaves the people it had leased when the database goes away mid-run to a run after the lease", async () => {
    const shopId = `shop_dbcfg_${visitorId()}`;
    await scheduleNext(centralDatabase(env), shopId, "p2", 2_000, 1);
    const runEnv = { ...env, PUBLIC_URL: "http://nudge.test" };
    // The lease is the run's first statement; every later one finds the server gone.
    let sent = 0;
    const goneAfterClaim: CountStatements = (statements) => {
      sent += statements;
      if (sent > 1) throw new DatabaseUnavailable("the libSQL server went away");
    };
    const failure = await dispatchDue(runEnv, now, { owner: "run_lost", database: centralDatabase(runEnv, goneAfterClaim) }).then(
      () => null,
      (error: unknown) => databaseFailureIn(error),
    );
    expect(failure?.message).toBe("the libSQL server went away");
    expect(await dueRow(shopId, "p2")).toMatchObject({ dueAt: 2_000, leaseOwner: "run_lost" });

    const later = await dispatchDue(runEnv, now + LEASE_MS + 1, { owner: "run_later" });
    expect(later.people).toBeGreaterThanOrEqual(1);
    // The person has no flow work (no object state): the later run drops the row, as for any such person.
    expect(await dueRow(shopId, "p2")).toBeUndefined();
  });
});
