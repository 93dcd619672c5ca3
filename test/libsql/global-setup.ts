// Global setup of the `-libsql` projects: starts a local libSQL server (sqld) on a free 127.0.0.1
// port, applies migrations/ to it as `npm run db:migrate -- --libsql` does, and hands its URL to
// the project's DATABASE_URL binding (vitest.config.ts) through `inject("libsqlUrl")`. One server per
// project; the files of a project run one at a time and each starts from empty tables
// (test/libsql/reset-central-db.ts). Stopped, its data removed, at teardown.
import type { TestProject } from "vitest/node";
import { migrateLibsql, startSqld } from "../../scripts/lib/libsql-migrate.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    libsqlUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sqld = await startSqld();
  try {
    await migrateLibsql({ url: sqld.url });
  } catch (error) {
    await sqld.stop();
    throw error;
  }
  project.provide("libsqlUrl", sqld.url);
  return () => sqld.stop();
}
