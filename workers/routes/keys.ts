import { Hono } from "hono";
import { z } from "zod";
import { readJsonBody } from "../body";
import { createSecretKey, listKeys, revokeSecretKey } from "../db/keys";
import { rotateIdentitySecret } from "../db/shops";
import { ApiError } from "../errors";
import { limitBody, MANAGEMENT_BODY_LIMIT } from "../middleware/body-limit";
import { secretKey } from "../middleware/secret-key";
import type { AppEnv } from "../types";

const keyRequestSchema = z.strictObject({ kind: z.enum(["secret", "identity"]) });
type RequestedKind = z.infer<typeof keyRequestSchema>["kind"];

/** A bare POST creates a secret key, as it did before there were kinds. */
async function requestedKind(request: Request): Promise<RequestedKind> {
  if (request.body === null) return "secret";
  const parsed = keyRequestSchema.safeParse(await readJsonBody(request));
  if (!parsed.success) throw new ApiError(400, "invalid_kind", 'The body must be {"kind": "secret"} or {"kind": "identity"}', "kind");
  return parsed.data.kind;
}

/**
 * Key rotation: create a new secret key, switch to it, revoke the old one. `{"kind": "identity"}`
 * replaces the identity secret that signs user hashes (the old one stops verifying at once here,
 * within 5 s elsewhere).
 */
export const keysRoute = new Hono<AppEnv>()
  .get("/", secretKey, async (c) => c.json({ keys: await listKeys(c.var.db, c.var.shop.id) }))
  .post("/", secretKey, limitBody(MANAGEMENT_BODY_LIMIT), async (c) => {
    if ((await requestedKind(c.req.raw)) === "identity") {
      return c.json({ kind: "identity", identity_secret: await rotateIdentitySecret(c.var.db, c.var.shop.id) }, 201);
    }
    return c.json(await createSecretKey(c.var.db, c.var.shop.id), 201);
  })
  .delete("/:id", secretKey, async (c) => {
    const result = await revokeSecretKey(c.var.db, c.var.shop.id, c.req.param("id"));
    if (result === "not_found") throw new ApiError(404, "key_not_found", "No active secret key of this shop has this id");
    if (result === "last_secret_key") throw new ApiError(409, "last_secret_key", "Create a new secret key before revoking the last one");
    return c.json({ id: c.req.param("id"), revoked: true });
  });
