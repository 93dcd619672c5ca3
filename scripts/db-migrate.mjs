// `npm run db:migrate`: applies migrations/ to the central database.
//   npm run db:migrate              the local D1 (as `wrangler d1 migrations apply --local`, plus the demo seed)
//   npm run db:migrate -- --libsql  the libSQL server at DATABASE_URL (token: DATABASE_AUTH_TOKEN)
// Both record applied files in d1_migrations, so running it again applies nothing.
import { migrateLibsql } from "./lib/libsql-migrate.mjs";
import { prepareDatabase } from "./lib/wrangler.mjs";

const KNOWN_FLAGS = new Set(["--libsql"]);

async function main(argv) {
  const unknown = argv.filter((arg) => !KNOWN_FLAGS.has(arg));
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(" ")} (usage: npm run db:migrate [-- --libsql])`);
  if (argv.includes("--libsql")) {
    const applied = await migrateLibsql({
      url: process.env.DATABASE_URL,
      authToken: process.env.DATABASE_AUTH_TOKEN,
      log: (line) => console.log(line),
    });
    console.log(applied.length > 0 ? `libSQL: ${applied.length} migration(s) applied` : "libSQL: up to date, nothing to apply");
    return;
  }
  await prepareDatabase();
  console.log("local D1: migrations applied");
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`db:migrate: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
