// The central database of a local runtime (`npm start`, the bench): the embedded D1 in wrangler's
// local state, or a libSQL server. Either way the same migrations/ and scripts/seed.sql.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createClient } from "@libsql/client";
import { libsqlSettings, migrateLibsql, startSqld } from "./libsql-migrate.mjs";
import { executeSql, prepareDatabase, ROOT } from "./wrangler.mjs";

const SEED = path.join(ROOT, "scripts", "seed.sql");

/**
 * @typedef {object} CentralDatabase
 * @property {"d1" | "libsql"} kind
 * @property {string} where           for messages: which database, where
 * @property {(log?: (line: string) => void) => Promise<void>} prepare  applies the migrations, seeds the demo shop
 * @property {(sql: string) => Promise<void>} execute  runs SQL statements on it
 * @property {Record<string, string>} vars  what the Worker needs to reach it (none for D1: the binding)
 * @property {() => Promise<void>} close
 */

/** The embedded D1 of wrangler's local state (`persistTo`, `config` as for `wrangler dev`). @returns {CentralDatabase} */
export function embeddedD1({ persistTo, config } = {}) {
  return {
    kind: "d1",
    where: `the embedded D1 database (${persistTo ?? ".wrangler/state"})`,
    prepare: () => prepareDatabase({ persistTo, config }),
    execute: (sql) => executeSql(sql, { persistTo, config }),
    vars: {},
    close: async () => {},
  };
}

/**
 * A libSQL server (`url`, `authToken`: DATABASE_URL and DATABASE_AUTH_TOKEN, checked here, so a
 * wrong one fails naming the setting). @returns {CentralDatabase}
 */
export function libsqlDatabase({ url, authToken, close = async () => {} }) {
  const settings = libsqlSettings({ url, authToken });
  const execute = async (sql) => {
    const client = createClient(settings);
    try {
      await client.executeMultiple(sql);
    } finally {
      client.close();
    }
  };
  return {
    kind: "libsql",
    where: `the libSQL server at ${settings.url}`,
    prepare: async (log = () => {}) => {
      await migrateLibsql({ ...settings, log });
      await execute(await readFile(SEED, "utf8"));
    },
    execute,
    // The Worker reads them as it reads its secrets in production; the token only when there is one.
    vars: { DATABASE_URL: settings.url, ...(settings.authToken ? { DATABASE_AUTH_TOKEN: settings.authToken } : {}) },
    close,
  };
}

/** A fresh local libSQL server (sqld on a free 127.0.0.1 port, data in a temporary directory). @returns {Promise<CentralDatabase>} */
export async function localLibsql() {
  const server = await startSqld();
  return libsqlDatabase({ url: server.url, close: server.stop });
}
