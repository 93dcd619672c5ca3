import { Hono } from "hono";
import { createShop } from "../db/shops";
import { limitBody, MANAGEMENT_BODY_LIMIT } from "../middleware/body-limit";
import { adminToken } from "../middleware/secret-key";
import { createShopSchema } from "../schemas/settings";
import type { AppEnv } from "../types";
import { validBody } from "../validate";

/** `POST /v1/shops` (admin): a new shop; its secret key and identity secret are in this answer only. */
export const shopsRoute = new Hono<AppEnv>().post("/", adminToken, limitBody(MANAGEMENT_BODY_LIMIT), async (c) => {
  const input = await validBody(c.req.raw, createShopSchema);
  return c.json(await createShop(c.var.db, input), 201);
});
