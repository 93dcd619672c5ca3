import { AsyncLocalStorage } from "node:async_hooks";
import { createMiddleware } from "hono/factory";
import { centralDatabase, type CountStatements } from "../db/client";
import type { AppEnv } from "../types";

/** The query counter of the request being served (requests interleave within an isolate). */
const requestQueries = new AsyncLocalStorage<{ queries: number }>();

/** One function for the isolate, so the database instance counting through it is built once. */
const countForRequest: CountStatements = (statements) => {
  const counter = requestQueries.getStore();
  if (counter) counter.queries += statements;
};

/**
 * Gives each request the central database (D1 or libSQL, by configuration) and reports how many
 * statements it sent in `Server-Timing: db;desc="N queries"`, so keeping the database off the hot
 * path is measurable on both drivers.
 */
export const withDatabase = createMiddleware<AppEnv>(async (c, next) => {
  const counter = { queries: 0 };
  c.set("db", centralDatabase(c.env, countForRequest));
  await requestQueries.run(counter, next);
  c.res.headers.append("Server-Timing", `db;desc="${counter.queries} queries"`);
});
