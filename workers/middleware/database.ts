import { createMiddleware } from "hono/factory";
import { database } from "../db/client";
import type { AppEnv } from "../types";

/** Gives each request its drizzle handle (cheap: no connection is opened until a query). */
export const withDatabase = createMiddleware<AppEnv>(async (c, next) => {
  c.set("db", database(c.env));
  await next();
});
