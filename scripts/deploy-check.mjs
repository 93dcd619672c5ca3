// `npm run deploy:check`: builds the Worker exactly as `wrangler deploy` would (a dry run with the
// production wrangler.toml, offline) and checks what a deploy needs before Cloudflare sees it:
// bindings, secret names, migrations, production [vars], the bundle's size. Exits 1 on a problem.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { buildDashboard } from "./build-dashboard.mjs";
import { buildSnippet } from "./build-snippet.mjs";
import { checkBindings, checkBundle, checkMigrations, checkSecrets, checkVars } from "./lib/deploy-checks.mjs";
import { offlineEnv, ROOT, runWrangler } from "./lib/wrangler.mjs";

const CONFIG = path.join(ROOT, "wrangler.toml");
const MIGRATIONS = path.join(ROOT, "migrations");
/** The code that runs in the Worker and its objects: where env names are read. */
const SOURCE_DIRS = ["workers", "durable-objects"];

/** wrangler.toml as wrangler itself reads it (defaults applied, production: no --env, no .dev.vars). */
async function readWorkerConfig() {
  offlineEnv();
  const { unstable_readConfig } = await import("wrangler");
  return unstable_readConfig({ config: CONFIG });
}

async function sourceFiles(directory) {
  const entries = await readdir(path.join(ROOT, directory), { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
  return Object.fromEntries(await Promise.all(files.map(async (file) => [file, await readFile(path.join(ROOT, file), "utf8")])));
}

/** `wrangler deploy --dry-run --outdir`: the upload, bundled, without uploading; measured like Cloudflare does (gzip). */
async function buildWorker() {
  // The Worker serves the built snippet and dashboard (snippets/dist): built first, as `npm run deploy` does.
  await buildSnippet();
  await buildDashboard();
  const outdir = await mkdtemp(path.join(os.tmpdir(), "nudge-deploy-check-"));
  try {
    await runWrangler(["deploy", "--dry-run", "--outdir", outdir, "-c", CONFIG]);
    const modules = (await readdir(outdir)).filter((file) => !file.endsWith(".map") && file !== "README.md");
    const contents = await Promise.all(modules.map((file) => readFile(path.join(outdir, file))));
    const main = modules.indexOf("index.js");
    if (main < 0) throw new Error(`wrangler built no index.js in ${outdir} (found: ${modules.join(", ")})`);
    return {
      rawBytes: contents.reduce((sum, content) => sum + content.length, 0),
      gzipBytes: contents.reduce((sum, content) => sum + gzipSync(content, { level: 9 }).length, 0),
      mainSource: contents[main].toString("utf8"),
    };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

function report(check) {
  const mark = check.problems.length > 0 ? "✗" : "✓";
  console.log(`${mark} ${check.name}: ${check.checked.join("; ")}`);
  for (const problem of check.problems) console.log(`    ✗ ${problem}`);
  for (const warning of check.warnings) console.log(`    ! ${warning}`);
}

async function main() {
  const config = await readWorkerConfig();
  const sources = Object.assign({}, ...(await Promise.all(SOURCE_DIRS.map(sourceFiles))));
  const [declarations, readme, journal, sqlFiles] = await Promise.all([
    readFile(path.join(ROOT, "workers", "env.d.ts"), "utf8"),
    readFile(path.join(ROOT, "README.md"), "utf8"),
    readFile(path.join(MIGRATIONS, "meta", "_journal.json"), "utf8").then(JSON.parse),
    readdir(MIGRATIONS),
  ]);
  const checks = [
    checkBindings(config),
    checkSecrets(config, { sources, declarations, readme }),
    checkMigrations(sqlFiles, journal),
    checkVars(config),
  ];
  console.log(`deploy check of ${path.relative(ROOT, CONFIG)} (production [vars], as \`wrangler deploy\` builds it)`);
  try {
    checks.push(checkBundle(await buildWorker()));
  } catch (error) {
    checks.push({ name: "bundle", checked: ["wrangler deploy --dry-run"], problems: [`the build failed: ${error.message}`], warnings: [] });
  }
  for (const check of checks) report(check);
  const problems = checks.reduce((sum, check) => sum + check.problems.length, 0);
  const warnings = checks.reduce((sum, check) => sum + check.warnings.length, 0);
  console.log(
    problems > 0 ? `deploy check failed: ${problems} problem(s), ${warnings} warning(s)` : `deploy check passed (${warnings} warning(s))`,
  );
  process.exitCode = problems > 0 ? 1 : 0;
}

await main();
