import { Hono } from "hono";
import { createSecretKey, listKeys, revokeSecretKey } from "../db/keys";
import { ApiError } from "../errors";
import { secretKey } from "../middleware/secret-key";
import type { AppEnv } from "../types";

/** Secret key rotation: create a new key, switch to it, revoke the old one. */
export const keysRoute = new Hono<AppEnv>()
  .get("/v1/keys", secretKey, async (c) => c.json({ keys: await listKeys(c.var.db, c.var.shop.id) }))
  .post("/v1/keys", secretKey, async (c) => c.json(await createSecretKey(c.var.db, c.var.shop.id), 201))
  .delete("/v1/keys/:id", secretKey, async (c) => {
    const result = await revokeSecretKey(c.var.db, c.var.shop.id, c.req.param("id"));
    if (result === "not_found") throw new ApiError(404, "key_not_found", "No active secret key of this shop has this id");
    if (result === "last_secret_key") throw new ApiError(409, "last_secret_key", "Create a new secret key before revoking the last one");
    return c.json({ id: c.req.param("id"), revoked: true });
  });
