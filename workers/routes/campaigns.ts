import { Hono } from "hono";
import { z } from "zod";
import { fromZodError } from "../../core/validation";
import {
  countCampaigns,
  deleteCampaign,
  findCampaign,
  insertCampaign,
  listCampaigns,
  MAX_CAMPAIGNS_PER_SHOP,
  replaceCampaign,
} from "../db/campaigns";
import { ApiError } from "../errors";
import { limitBody, MANAGEMENT_BODY_LIMIT } from "../middleware/body-limit";
import { secretKey } from "../middleware/secret-key";
import { campaignSchema, type Campaign } from "../schemas/campaign";
import type { AppEnv } from "../types";
import { validBody } from "../validate";

/** Fields the server adds; a client may send a campaign back as it got it. */
const SERVER_FIELDS = ["id", "created_at", "updated_at"];

async function campaignBody(request: Request): Promise<Campaign> {
  const body = await validBody(request, z.record(z.string(), z.unknown()));
  for (const field of SERVER_FIELDS) delete body[field];
  const parsed = campaignSchema.safeParse(body);
  if (!parsed.success) throw ApiError.fromValidation(fromZodError(parsed.error).error);
  return parsed.data;
}

const notFound = () => new ApiError(404, "campaign_not_found", "This shop has no campaign with this id");

/** On-site campaigns (see the README): validated as a whole; a refused request stores nothing. */
export const campaignsRoute = new Hono<AppEnv>()
  .get("/", secretKey, async (c) => c.json({ campaigns: await listCampaigns(c.var.db, c.var.shop.id) }))
  .post("/", secretKey, limitBody(MANAGEMENT_BODY_LIMIT), async (c) => {
    const campaign = await campaignBody(c.req.raw);
    if ((await countCampaigns(c.var.db, c.var.shop.id)) >= MAX_CAMPAIGNS_PER_SHOP) {
      throw new ApiError(409, "too_many_campaigns", `A shop has at most ${MAX_CAMPAIGNS_PER_SHOP} campaigns; delete or archive some`);
    }
    return c.json(await insertCampaign(c.var.db, c.var.shop.id, campaign), 201);
  })
  .get("/:id", secretKey, async (c) => {
    const campaign = await findCampaign(c.var.db, c.var.shop.id, c.req.param("id"));
    if (!campaign) throw notFound();
    return c.json(campaign);
  })
  .put("/:id", secretKey, limitBody(MANAGEMENT_BODY_LIMIT), async (c) => {
    const campaign = await campaignBody(c.req.raw);
    const stored = await replaceCampaign(c.var.db, c.var.shop.id, c.req.param("id"), campaign);
    if (!stored) throw notFound();
    return c.json(stored);
  })
  .delete("/:id", secretKey, async (c) => {
    if (!(await deleteCampaign(c.var.db, c.var.shop.id, c.req.param("id")))) throw notFound();
    return c.json({ id: c.req.param("id"), deleted: true });
  });
