// The bench-only Worker (scripts/bench-worker/wrangler.bench.toml, started by `npm run bench`):
// Nudge's own Worker plus `POST /__bench/bare`, a bare object write, the second baseline every
// object-bound scenario is compared with, and `/__bench/floor/…`, Nudge's own routes with people's
// objects that answer at once (the floor of collect). Nothing here is part of the production bundle.
import type { ProfileObject } from "../../durable-objects/profile-object";
import nudge from "../../workers/index";
import { BareObject } from "./bare-object";
import { FloorProfileObject } from "./floor-object";

export { ProfileObject } from "../../workers/index";
export { BareObject, FloorProfileObject };

type BenchEnv = Env & { BARE: DurableObjectNamespace<BareObject>; FLOOR_PROFILES: DurableObjectNamespace<FloorProfileObject> };

const BARE_PATH = "/__bench/bare";
const FLOOR_PREFIX = "/__bench/floor";

/** The body of a bare write: what a collect carries, read only for its routing key and its events. */
interface BareBody {
  anonymous_id: string;
  events: unknown[];
}

function isBareBody(value: unknown): value is BareBody {
  if (typeof value !== "object" || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.anonymous_id === "string" && body.anonymous_id.length > 0 && Array.isArray(body.events);
}

/** The row's key: the first event's id when it has one (the bench sends a unique one), else a fresh one. */
function rowId(events: unknown[]): string {
  const first = events[0] as { id?: unknown } | undefined;
  return typeof first?.id === "string" ? first.id : crypto.randomUUID();
}

/** Parse the body, one RPC to the person's BareObject, one insert there: nothing else. */
async function bareWrite(request: Request, env: BenchEnv): Promise<Response> {
  const body: unknown = await request.json().catch(() => null);
  if (!isBareBody(body)) return Response.json({ error: { code: "invalid_body", message: "anonymous_id and events" } }, { status: 400 });
  const stub = env.BARE.get(env.BARE.idFromName(body.anonymous_id));
  await stub.write(rowId(body.events), JSON.stringify(body.events));
  return Response.json({ ok: true });
}

/** Nudge's route under the prefix, with the floor objects standing in for people's objects. */
function floorRoute(request: Request, env: BenchEnv, ctx: ExecutionContext): Response | Promise<Response> {
  const url = new URL(request.url);
  url.pathname = url.pathname.slice(FLOOR_PREFIX.length);
  // The floor objects answer only `ingest`, the one call collect makes to a person's object.
  const profiles = env.FLOOR_PROFILES as unknown as DurableObjectNamespace<ProfileObject>;
  return nudge.fetch(new Request(url, request), { ...env, PROFILES: profiles }, ctx);
}

export default {
  fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (request.method === "POST" && pathname === BARE_PATH) return bareWrite(request, env);
    if (pathname.startsWith(`${FLOOR_PREFIX}/`)) return floorRoute(request, env, ctx);
    return nudge.fetch(request, env, ctx);
  },
  scheduled: nudge.scheduled,
} satisfies ExportedHandler<BenchEnv>;
