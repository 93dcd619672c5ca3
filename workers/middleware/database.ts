import { AsyncLocalStorage } from "node:async_hooks";
import { drizzle } from "drizzle-orm/d1";
import { createMiddleware } from "hono/factory";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import type { AppEnv } from "../types";

/** The query counter of the request being served (requests interleave within an isolate). */
const requestQueries = new AsyncLocalStorage<{ queries: number }>();

/** Counts the statements prepared against D1 (each prepare is one query) for the current request. */
function countingD1(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === "prepare") {
        return (query: string) => {
          const counter = requestQueries.getStore();
          if (counter) counter.queries += 1;
          return target.prepare(query);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Building drizzle's relational config is not free: one instance per isolate and binding. */
const instances = new WeakMap<D1Database, Database>();
function databaseFor(binding: D1Database): Database {
  let db = instances.get(binding);
  if (!db) {
    db = drizzle(countingD1(binding), { schema });
    instances.set(binding, db);
  }
  return db;
}

/**
 * Gives each request the drizzle handle and reports how many central-database queries it cost
 * in `Server-Timing: db;desc="N queries"`, so keeping D1 off the hot path is measurable.
 */
export const withDatabase = createMiddleware<AppEnv>(async (c, next) => {
  const counter = { queries: 0 };
  c.set("db", databaseFor(c.env.DB));
  await requestQueries.run(counter, next);
  c.res.headers.append("Server-Timing", `db;desc="${counter.queries} queries"`);
});
