import { cors } from "hono/cors";

/**
 * CORS for the browser endpoints. A preflight carries no site key, so it is answered for any
 * origin; the request itself is checked against the shop's allowed origins.
 */
export const browserCors = cors({
  origin: (origin) => origin,
  allowMethods: ["POST", "OPTIONS"],
  allowHeaders: ["Content-Type"],
  maxAge: 86_400,
});
