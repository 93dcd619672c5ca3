import { createMiddleware } from "hono/factory";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../db/schema";
import type { AppEnv } from "../types";

/** Counts the statements a request prepares against D1 (each prepare is one query). */
function countingD1(db: D1Database, counter: { queries: number }): D1Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === "prepare") {
        return (query: string) => {
          counter.queries += 1;
          return target.prepare(query);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Gives each request its drizzle handle and reports how many central-database queries it cost
 * in `Server-Timing: db;desc="N queries"`, so keeping D1 off the hot path is measurable.
 */
export const withDatabase = createMiddleware<AppEnv>(async (c, next) => {
  const counter = { queries: 0 };
  c.set("db", drizzle(countingD1(c.env.DB, counter), { schema }));
  await next();
  c.res.headers.append("Server-Timing", `db;desc="${counter.queries} queries"`);
});
