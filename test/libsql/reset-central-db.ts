// Setup file of the `-libsql` projects, run before each test file: empties every table of the shared
// libSQL server, so each file starts from a clean central database as it does on D1 (where every
// file gets fresh storage). Tests that count rows or let the cron pick every due row need this.
// The embedded D1 stays unmigrated here: a query that reached it instead of libSQL fails loudly.
import { libsqlClient } from "../central-db";

/** The schema's tables: not SQLite's or libSQL's own, nor the record of applied migrations. */
const TABLES = `SELECT name FROM sqlite_master WHERE type = 'table'
  AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'libsql\\_%' ESCAPE '\\' AND name NOT LIKE '\\_%' ESCAPE '\\'
  AND name <> 'd1_migrations'`;

const client = libsqlClient();
const tables = (await client.execute(TABLES)).rows.map((row) => String(row.name));
// Deferred foreign keys: the tables empty in any order, checked once at commit, when all are empty.
await client.batch(["PRAGMA defer_foreign_keys = ON", ...tables.map((table) => `DELETE FROM "${table}"`)], "write");
