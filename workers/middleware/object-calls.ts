import { AsyncLocalStorage } from "node:async_hooks";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../types";

/** The object-call counter of the work being measured (requests interleave within an isolate). */
const objectCalls = new AsyncLocalStorage<{ calls: number }>();

/**
 * Counts one call from the Worker to a person's object (an RPC on a stub), for the request or run
 * being measured; outside one it does nothing. Calls between objects (a merge's hand-over) run in
 * the objects and are not counted here.
 */
export function countObjectCall(): void {
  const counter = objectCalls.getStore();
  if (counter) counter.calls += 1;
}

/** Runs `work` and tells how many object calls it made (the cron's dispatcher, measured by the capacity test). */
export async function countingObjectCalls<T>(work: () => Promise<T>): Promise<{ value: T; calls: number }> {
  const counter = { calls: 0 };
  const value = await objectCalls.run(counter, work);
  return { value, calls: counter.calls };
}

/**
 * Reports how many calls to people's objects a request made in `Server-Timing: obj;desc="N calls"`,
 * beside the database's `db;desc="N queries"`: the two costs the capacity model counts.
 */
export const withObjectCalls = createMiddleware<AppEnv>(async (c, next) => {
  const counter = { calls: 0 };
  await objectCalls.run(counter, next);
  c.res.headers.append("Server-Timing", `obj;desc="${counter.calls} calls"`);
});
