import { cors } from "hono/cors";

/**
 * CORS for the browser endpoints. A preflight carries no site key, so it is answered for any
 * origin; the request itself is checked against the shop's allowed origins. Routes use it on
 * their own path ("/"), not "*", so an unknown path below them stays a 404.
 */
export const browserCors = cors({
  origin: (origin) => origin,
  allowMethods: ["POST", "OPTIONS"],
  allowHeaders: ["Content-Type"],
  maxAge: 86_400,
});
