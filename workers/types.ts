import type { Database } from "./db/client";
import type { Shop } from "./db/shops";

/** What the Hono app carries per request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    db: Database;
    shop: Shop;
    keyId: string;
  };
}
