import { Hono } from "hono";
import { z } from "zod";
import {
  countOwnFlows,
  deleteFlow,
  deliverableChannels,
  findFlow,
  insertFlow,
  listFlows,
  MAX_OWN_FLOWS_PER_SHOP,
  updateFlow,
} from "../db/flows";
import { ApiError } from "../errors";
import { limitBody, MANAGEMENT_BODY_LIMIT } from "../middleware/body-limit";
import { secretKey } from "../middleware/secret-key";
import { type FlowBody, parseFlow } from "../schemas/flow";
import type { ShopSettings } from "../schemas/settings";
import type { AppEnv } from "../types";
import { validBody } from "../validate";

/** Fields the server adds; a client may send a flow back as it got it. */
const SERVER_FIELDS = ["id", "built_in", "created_at", "updated_at"];

async function flowFields(request: Request): Promise<Record<string, unknown>> {
  const body = await validBody(request, z.record(z.string(), z.unknown()));
  for (const field of SERVER_FIELDS) delete body[field];
  return body;
}

/** The flow validated whole, and refused when it is switched on with a step the shop cannot deliver. */
function validFlow(fields: Record<string, unknown>, settings: ShopSettings): FlowBody {
  const parsed = parseFlow(fields);
  if (!parsed.ok) throw ApiError.fromValidation(parsed.error);
  const flow = parsed.value;
  if (flow.enabled) {
    const deliverable = deliverableChannels(settings);
    const index = flow.steps.findIndex((step) => !deliverable[step.channel]);
    const step = flow.steps[index];
    if (step)
      throw new ApiError(
        400,
        "channel_not_configured",
        `No ${step.channel} channel is configured: set channels.webhook or channels.${step.channel} in the settings first, or keep the flow switched off`,
        `steps[${index}].channel`,
      );
  }
  return flow;
}

const notFound = () => new ApiError(404, "flow_not_found", "This shop has no flow with this id");

/**
 * Messaging flows: the built-ins (always there, switched off until the shop turns them on) and
 * the shop's own. A PUT names the fields to change, merged over the stored flow at the top level
 * (`steps` is replaced whole), and the result is validated as a whole: a refused request stores nothing.
 */
export const flowsRoute = new Hono<AppEnv>()
  .get("/", secretKey, async (c) => c.json({ flows: await listFlows(c.var.db, c.var.shop.id) }))
  .post("/", secretKey, limitBody(MANAGEMENT_BODY_LIMIT), async (c) => {
    const flow = validFlow(await flowFields(c.req.raw), c.var.shop.settings);
    if ((await countOwnFlows(c.var.db, c.var.shop.id)) >= MAX_OWN_FLOWS_PER_SHOP) {
      throw new ApiError(409, "too_many_flows", `A shop has at most ${MAX_OWN_FLOWS_PER_SHOP} flows of its own; delete some`);
    }
    return c.json(await insertFlow(c.var.db, c.var.shop.id, flow), 201);
  })
  .get("/:id", secretKey, async (c) => {
    const flow = await findFlow(c.var.db, c.var.shop.id, c.req.param("id"));
    if (!flow) throw notFound();
    return c.json(flow);
  })
  .put("/:id", secretKey, limitBody(MANAGEMENT_BODY_LIMIT), async (c) => {
    const id = c.req.param("id");
    const changes = await flowFields(c.req.raw);
    const stored = await findFlow(c.var.db, c.var.shop.id, id);
    if (!stored) throw notFound();
    const { id: _id, built_in: _builtIn, created_at: _created, updated_at: _updated, ...current } = stored;
    const flow = validFlow({ ...current, ...changes }, c.var.shop.settings);
    const updated = await updateFlow(c.var.db, c.var.shop.id, id, flow);
    if (!updated) throw notFound();
    return c.json(updated);
  })
  .delete("/:id", secretKey, async (c) => {
    const id = c.req.param("id");
    const outcome = await deleteFlow(c.var.db, c.var.shop.id, id);
    if (outcome === "built_in")
      throw new ApiError(409, "built_in_flow", 'Built-in flows cannot be deleted; switch it off instead with {"enabled": false}');
    if (outcome === "not_found") throw notFound();
    return c.json({ id, deleted: true });
  });
