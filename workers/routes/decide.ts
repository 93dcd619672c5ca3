import { Hono, type Context } from "hono";
import { parseDecideBody } from "../../core/batch";
import { readJsonBody } from "../body";
import { decideRequest, recordOutcomes, withCampaigns } from "../decisions";
import type { Shop } from "../db/shops";
import { ApiError } from "../errors";
import { limitBody } from "../middleware/body-limit";
import { browserCors } from "../middleware/cors";
import { secretKey } from "../middleware/secret-key";
import { authorizeSite } from "../middleware/site-key";
import { deviceRoute, emptyBatch, ingestInto, profilesOf, resolveRoute } from "../routing";
import type { AppEnv } from "../types";

const DECIDE_BODY_LIMIT = 64 * 1024;

/**
 * A site key from a page names the person by `anonymous_id`; a secret key by any identifier. The
 * site key is in the body, so the secret-key middleware runs here too, after the body is read:
 * a bad body is refused the same way whichever key is sent.
 */
async function callerOf(c: Context<AppEnv>, site: string | null): Promise<{ shop: Shop; server: boolean }> {
  if (c.req.header("authorization")) {
    await secretKey(c, async () => {});
    return { shop: c.var.shop, server: true };
  }
  return { shop: await authorizeSite(c, site), server: false };
}

/**
 * `POST /v1/decide`: the same decisions as collect's `placements`, without events. With a secret
 * key, `?explain=1` adds every candidate campaign and why it was chosen or not.
 */
export const decideRoute = new Hono<AppEnv>().use("/", browserCors).post("/", limitBody(DECIDE_BODY_LIMIT), async (c) => {
  const receivedAt = Date.now();
  const body = await readJsonBody(c.req.raw);
  const parsed = parseDecideBody(body);
  const site = typeof (body as { site?: unknown } | null)?.site === "string" ? (body as { site: string }).site : null;
  const { shop, server } = await callerOf(c, site);
  if (!parsed.ok) throw ApiError.fromValidation(parsed.error);
  const { person, placements, context } = parsed.value;
  if (!person)
    throw new ApiError(400, "no_identifier", "Name the person: anonymous_id (or, with a secret key, customer_id or email)", "anonymous_id");
  if (!server && person.kind !== "anonymous_id")
    throw new ApiError(400, "invalid_request", "With a site key the person is named by anonymous_id", person.kind);
  const profiles = profilesOf(c.env, shop);
  // A server naming a person by email or customer id means the proven owner, never a browser's unproven claim.
  const { start, home } =
    person.kind === "anonymous_id"
      ? deviceRoute(profiles, shop.id, person.value)
      : await resolveRoute(profiles, c.var.db, shop.id, [person], true);
  const explain = server && c.req.query("explain") === "1";
  const asked = await decideRequest(c.var.db, shop, placements, context);
  const decide = asked && explain ? { ...asked, explain } : asked;
  const result = await ingestInto(profiles, start, { ...emptyBatch(shop, receivedAt), viaHome: start === home, decide }, home, (request) =>
    withCampaigns(c.var.db, shop, request),
  );
  await recordOutcomes(c.var.db, shop, result, c.executionCtx);
  return c.json({ profile_id: result.profileId, decisions: result.decisions, ...(explain ? { candidates: result.candidates } : {}) });
});
