// The floor of collect (`collect-floor`, run whenever `collect` is): the same batches through
// Nudge's whole collect route (body, site key, validation, routing, the object call and its
// answer) to people's objects that answer at once (scripts/bench-worker/floor-object.ts). The
// floor against the bare write is what the Worker's side costs; collect against the floor is what
// the object's work costs, the most any object-side cut can win back. `collect` is measured again
// in alternating rounds with the bare write and the floor (its `alternateWith`), like with like.

/** The floor scenario, beside `collect` (same pool, same body, its own event ids). */
export function floorScenario({ pageViewBatch, visitors }) {
  return {
    name: "collect-floor",
    route: "POST /v1/collect to objects that answer at once (floor)",
    runsWith: "collect",
    pool: visitors,
    request: (n, run) => ({ ...pageViewBatch(`bench-v${n % visitors}`, `${run.id}-f${n}`, n), path: "/__bench/floor/v1/collect" }),
  };
}

/**
 * One line from collect's alternating rounds (summed req/s; with BENCH_ALTERNATIONS=0 the table's
 * runs alone): collect and its floor against the bare write, and collect against its floor. Sets
 * `vs_floor` on collect's row and `vs_bare_alternating` on the floor's.
 */
export function printFloor(rows, fmt) {
  const floor = rows.find((row) => row.name === "collect-floor");
  const collect = rows.find((row) => row.name === "collect");
  const sums = collect?.alternating?.sums;
  if (!floor || !sums) return;
  const ratio = (a, b) => (b > 0 ? a / b : null);
  floor.vs_bare_alternating = ratio(sums["collect-floor"], sums.bare);
  collect.vs_floor = ratio(sums.collect, sums["collect-floor"]);
  console.log(
    `collect vs the bare write over ${collect.alternating.rounds.length} alternating rounds (summed req/s): ${fmt(collect.vs_bare_alternating, 2)}x; ` +
      `its floor (the collect route to objects that answer at once) ${fmt(floor.vs_bare_alternating, 2)}x the bare write; collect ${fmt(collect.vs_floor, 2)}x its floor`,
  );
}
