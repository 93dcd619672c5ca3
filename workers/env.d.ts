declare namespace Cloudflare {
  interface Env {
    /** Worker secret for `POST /v1/shops` (`wrangler secret put ADMIN_TOKEN`; `npm start` sets admin_demo). */
    ADMIN_TOKEN?: string;
  }
}
