declare namespace Cloudflare {
  interface Env {
    /** Worker secret for `POST /v1/shops` (`wrangler secret put ADMIN_TOKEN`; `npm start` sets admin_demo). */
    ADMIN_TOKEN?: string;
    /** Worker secret that signs decision tokens (`npm start` and the tests set their own). */
    DECISION_TOKEN_SECRET?: string;
    /**
     * Worker secret: the central database on a libSQL server (Turso, sqld) instead of D1:
     * `libsql://…`, `https://…` or `http://…`. Unset or blank: the D1 binding `DB`.
     */
    DATABASE_URL?: string;
    /** Worker secret: the libSQL server's auth token (a Turso database token); read only with DATABASE_URL. */
    DATABASE_AUTH_TOKEN?: string;
  }
}
