import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = DrizzleD1Database<typeof schema>;

/** A drizzle handle on the central database (the Worker's requests use the counting one of middleware/database.ts). */
export function database(binding: D1Database): Database {
  return drizzle(binding, { schema });
}
