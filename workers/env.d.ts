declare namespace Cloudflare {
  interface Env {
    /** Worker secret for `POST /v1/shops` (`wrangler secret put ADMIN_TOKEN`; `npm start` sets admin_demo). */
    ADMIN_TOKEN?: string;
    /** Worker secret that signs decision tokens (`npm start` and the tests set their own). */
    DECISION_TOKEN_SECRET?: string;
  }
}
