// The floor of collect (`collect-floor`, run whenever `collect` is): the same batches through
// Nudge's whole collect route (body, site key, validation, routing, the object call and its
// answer) to people's objects that answer at once (scripts/bench-worker/floor-object.ts). The
// floor against the bare write is what the Worker's side costs; collect against the floor is what
// the object's work costs, the most any object-side cut can win back. The two are measured again
// in alternating rounds (`alternateWith`), like with like.

/** The floor scenario, beside `collect` (same pool, same body, its own event ids). */
export function floorScenario({ pageViewBatch, visitors }) {
  return {
    name: "collect-floor",
    route: "POST /v1/collect to objects that answer at once (floor)",
    runsWith: "collect",
    alternateWith: "collect",
    pool: visitors,
    request: (n, run) => ({ ...pageViewBatch(`bench-v${n % visitors}`, `${run.id}-f${n}`, n), path: "/__bench/floor/v1/collect" }),
  };
}

/** collect/floor over the alternating rounds (summed req/s), else of the table's single runs. */
function collectVersusFloor(floor, collect) {
  if (floor.alternating?.ratio) return { ratio: 1 / floor.alternating.ratio, rounds: floor.alternating.rounds.length };
  const single = collect && floor.requests_per_second > 0 ? collect.requests_per_second / floor.requests_per_second : null;
  return { ratio: single, rounds: 1 };
}

/** One line: the floor against the bare write, and collect against its floor (sets `vs_floor` on collect's row). */
export function printFloor(rows, fmt) {
  const floor = rows.find((row) => row.name === "collect-floor");
  const collect = rows.find((row) => row.name === "collect");
  if (!floor) return;
  const { ratio, rounds } = collectVersusFloor(floor, collect);
  if (collect) collect.vs_floor = ratio;
  console.log(
    `collect floor (the collect route to objects that answer at once): ${fmt(floor.vs_bare, 2)}x the bare object write (single run); ` +
      `collect ${fmt(ratio, 2)}x its floor (summed req/s over ${rounds} alternating rounds)`,
  );
}
