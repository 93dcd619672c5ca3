// `npm run bench -- --db libsql`: the same scenarios on D1 and on a local libSQL server, side by side.

/** What a central database changes: collect, decide, a merge (three central queries) and an outbox drain. */
export const DATABASE_COMPARISON_SCENARIOS = ["collect", "decide", "identify-merge", "flows-drain"];

const cell = (value, fmt, digits) => (value === null || value === undefined ? "–" : fmt(value, digits));

/** One line per load scenario and flows scenario, each database's figures next to the other's. */
export function printDatabaseComparison([d1, libsql], fmt) {
  const header = [
    "scenario",
    "D1 req/s",
    "libSQL req/s",
    "D1 vs /healthz",
    "libSQL vs /healthz",
    "D1 p99 ms",
    "libSQL p99 ms",
    "queries/req D1 | libSQL",
  ];
  const measured = (side) => side.rows.filter((row) => !row.route.includes("(before "));
  const lines = measured(d1).map((row) => {
    const other = measured(libsql).find((candidate) => candidate.name === row.name);
    return [
      row.route,
      cell(row.requests_per_second, fmt, 0),
      cell(other?.requests_per_second, fmt, 0),
      `${cell(row.throughput_ratio, fmt, 2)}x`,
      `${cell(other?.throughput_ratio, fmt, 2)}x`,
      cell(row.latency_ms.p99, fmt, 0),
      cell(other?.latency_ms.p99, fmt, 0),
      `${cell(row.db_queries_per_request, fmt, 3)} | ${cell(other?.db_queries_per_request, fmt, 3)}`,
    ];
  });
  for (const flow of d1.flows?.scenarios ?? []) {
    const other = libsql.flows?.scenarios.find((candidate) => candidate.name === flow.name);
    lines.push([
      `${flow.name}: ${flow.delivered} messages (msg/s, slowest run ms)`,
      cell(flow.messages_per_second, fmt, 0),
      cell(other?.messages_per_second, fmt, 0),
      "",
      "",
      cell(flow.slowest_run_ms, fmt, 0),
      cell(other?.slowest_run_ms, fmt, 0),
      `dupes ${flow.duplicates} | ${other?.duplicates ?? "–"}`,
    ]);
  }
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i].length)));
  const render = (cells) => cells.map((value, i) => (i === 0 ? value.padEnd(widths[i]) : value.padStart(widths[i]))).join("  ");
  console.log("\ncentral database, side by side (each ratio against the /healthz measured right before it, on its own runtime):");
  console.log(render(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of lines) console.log(render(line));
}
