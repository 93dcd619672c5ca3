// The bench-only Worker (scripts/bench-worker/wrangler.bench.toml, started by `npm run bench`):
// Nudge's own Worker plus `POST /__bench/bare`, a bare object write, the second baseline every
// object-bound scenario is compared with. Nothing here is part of the production bundle.
import nudge from "../../workers/index";
import { BareObject } from "./bare-object";

export { ProfileObject } from "../../workers/index";
export { BareObject };

type BenchEnv = Env & { BARE: DurableObjectNamespace<BareObject> };

const BARE_PATH = "/__bench/bare";

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

export default {
  fetch(request, env, ctx) {
    if (request.method === "POST" && new URL(request.url).pathname === BARE_PATH) return bareWrite(request, env);
    return nudge.fetch(request, env, ctx);
  },
  scheduled: nudge.scheduled,
} satisfies ExportedHandler<BenchEnv>;
