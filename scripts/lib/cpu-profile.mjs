// `BENCH_PROFILE=1 npm run bench`: workerd's V8 CPU profile of each measured run, through the
// inspector `wrangler dev` opens (Chrome DevTools protocol), turned into where a request's CPU
// time goes. The Worker and its Durable Objects share one isolate in the local runtime, so one
// profile holds both sides of an object call.
import WebSocket from "ws";

/** Sampling period in µs: fine enough for a request of a few hundred µs, coarse enough to add little. */
const SAMPLING_INTERVAL_US = 250;

/**
 * Object entry points as the profile names them: an object's RPC methods and constructors run as
 * tasks of their own (roots of the profile), so everything below one of them is the object's work.
 */
const OBJECT_ROOTS = new Set(["ingest", "decide", "identify", "alarm", "write", "ProfileObject", "BareObject", "Wrapper"]);

/** Native storage calls of an object's SQLite (`ctx.storage.sql`), and its implicit transaction. */
const SQLITE_FRAMES = new Set(["exec", "transactionSync", "next", "toArray", "one", "raw"]);

/** Connects to the isolate's inspector; `start()`/`stop()` bracket one profile. */
export async function connectProfiler(inspectorPort) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((entry) => entry.webSocketDebuggerUrl);
  if (!target) throw new Error(`no inspector target on 127.0.0.1:${inspectorPort}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  let lastId = 0;
  const pending = new Map();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data));
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`));
    else waiter.resolve(message.result);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      lastId += 1;
      pending.set(lastId, { resolve, reject, method });
      socket.send(JSON.stringify({ id: lastId, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  return {
    start: () => send("Profiler.start"),
    stop: async () => (await send("Profiler.stop")).profile,
    close: () => socket.close(),
  };
}

const frameName = (node) => node.callFrame.functionName || "(anonymous)";

/** Each node's task root: the child of the profile's root it runs under. */
function taskRoots(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const rootOf = new Map();
  const [root] = profile.nodes;
  const visit = (id, task) => {
    rootOf.set(id, task);
    for (const child of byId.get(id).children ?? []) visit(child, task);
  };
  for (const child of root.children ?? []) visit(child, byId.get(child));
  return { byId, rootOf };
}

function categoryOf(node, task) {
  const name = frameName(node);
  if (name === "(idle)") return "idle";
  if (name === "(garbage collector)") return "gc";
  if (name === "(program)" || !task) return "runtime";
  if (OBJECT_ROOTS.has(frameName(task))) return SQLITE_FRAMES.has(name) && node.callFrame.url === "" ? "object_sqlite" : "object_js";
  return node === task && node.callFrame.url === "" ? "runtime" : "worker";
}

/**
 * Where the isolate's busy time went (shares; idle left out): the Worker's JavaScript (routing,
 * validation, the object call's own cost), the object's JavaScript, the object's SQLite, the
 * runtime outside JavaScript (`(program)`: HTTP, the object call's transport) and garbage
 * collection. `top`: the functions with the most time of their own. Shares, not times: the
 * profiler's own cost slows every run, so absolute figures would mislead.
 */
export function cpuBreakdown(profile) {
  const { byId, rootOf } = taskRoots(profile);
  const totals = { worker: 0, object_js: 0, object_sqlite: 0, runtime: 0, gc: 0, idle: 0 };
  const self = new Map();
  // Each sample counts once: workerd takes them at uneven intervals (far sparser than asked while
  // the isolate is busy), so weighting them by the gaps between them would follow the sampler.
  for (const id of profile.samples) {
    const node = byId.get(id);
    totals[categoryOf(node, rootOf.get(id))] += 1;
    if (frameName(node) !== "(idle)") {
      const key = `${frameName(node)}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ""}`;
      self.set(key, (self.get(key) ?? 0) + 1);
    }
  }
  const { idle, ...busyTotals } = totals;
  const busy = Object.values(busyTotals).reduce((sum, samples) => sum + samples, 0);
  const share = (samples) => (busy > 0 ? samples / busy : null);
  return {
    busy_share_of_wall: busy + idle > 0 ? busy / (busy + idle) : null,
    shares: Object.fromEntries(Object.entries(busyTotals).map(([name, samples]) => [name, share(samples)])),
    top: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([name, samples]) => ({ name, share: share(samples) })),
  };
}

/** The breakdown of every profiled row, as a table of shares and each row's top functions. */
export function printCpu(rows, fmt) {
  const profiled = rows.filter((row) => row.cpu);
  if (profiled.length === 0) return;
  const columns = ["worker", "object_js", "object_sqlite", "runtime", "gc"];
  const percent = (value) => (value === null ? "–" : `${fmt(value * 100, 0)}%`);
  const header = ["route", "busy", ...columns];
  const lines = profiled.map((row) => [
    row.route,
    percent(row.cpu.busy_share_of_wall),
    ...columns.map((name) => percent(row.cpu.shares[name])),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i].length)));
  const render = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  console.log(
    "Where the isolate's busy time went (shares of V8 CPU profile samples; profiling slows every run, so these req/s are not comparable):",
  );
  console.log(render(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of lines) console.log(render(line));
  for (const row of profiled) {
    const top = row.cpu.top.map((entry) => `${entry.name} ${percent(entry.share)}`).join(", ");
    console.log(`  ${row.route}: ${top}`);
  }
  console.log("");
}
