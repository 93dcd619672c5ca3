import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * A shop: one tenant. Settings beyond the indexed columns live in `settings` as JSON; `version`
 * grows with every settings write (compare-and-swap). The identity secret is stored as it is,
 * since the Worker signs with it; `people_since` is when the shop first stored a person.
 */
export const shops = sqliteTable("shops", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  timezone: text("timezone").notNull().default("UTC"),
  allowedOrigins: text("allowed_origins", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  consentMode: text("consent_mode", { enum: ["required", "implied"] })
    .notNull()
    .default("required"),
  settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  // The '' default only lets migration 0004 add the column to existing rows, which it then fills.
  identitySecret: text("identity_secret").notNull().default(""),
  version: integer("version").notNull().default(0),
  peopleSince: integer("people_since"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * API keys. Site keys are public and stored as they are; secret keys are stored only as a
 * SHA-256 hash (`token_hash`), with a short prefix kept to tell keys apart in listings.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    shopId: text("shop_id")
      .notNull()
      .references(() => shops.id),
    kind: text("kind", { enum: ["site", "secret"] }).notNull(),
    siteKey: text("site_key").unique(),
    tokenHash: text("token_hash").unique(),
    prefix: text("prefix").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_shop_idx").on(t.shopId)],
);

/**
 * The identity index: which person (profile object id) an identifier of a shop belongs to.
 * Identifiers are scoped to their shop; the same email in two shops is two rows.
 */
export const identities = sqliteTable(
  "identities",
  {
    shopId: text("shop_id")
      .notNull()
      .references(() => shops.id),
    kind: text("kind", { enum: ["anonymous_id", "customer_id", "email", "phone"] }).notNull(),
    value: text("value").notNull(),
    profileId: text("profile_id").notNull(),
    createdAt: integer("created_at").notNull(),
    /** 0 for an identifier a browser claimed without proof (identity verification). */
    verified: integer("verified").notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.kind, t.value] }), index("identities_profile_idx").on(t.shopId, t.profileId)],
);

export type ShopRow = typeof shops.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

/**
 * Tombstones of erased people (GDPR art. 17): only salted hashes of their identifiers, so an
 * erasure can be proven without keeping what was erased.
 */
export const erasures = sqliteTable(
  "erasures",
  {
    shopId: text("shop_id").notNull(),
    identifierHash: text("identifier_hash").notNull(),
    erasedAt: integer("erased_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.identifierHash] })],
);

/** On-site campaigns. The validated definition is kept whole as JSON. */
export const campaigns = sqliteTable(
  "campaigns",
  {
    id: text("id").primaryKey(),
    shopId: text("shop_id")
      .notNull()
      .references(() => shops.id),
    placement: text("placement").notNull(),
    status: text("status", { enum: ["draft", "active", "paused", "archived"] }).notNull(),
    definition: text("definition", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [index("campaigns_shop_idx").on(t.shopId, t.status)],
);

/** What each next-best-action earned per segment in a shop: the bandit's state. */
export const nbaStats = sqliteTable(
  "nba_stats",
  {
    shopId: text("shop_id").notNull(),
    segment: text("segment").notNull(),
    action: text("action").notNull(),
    trials: integer("trials").notNull().default(0),
    successes: integer("successes").notNull().default(0),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.segment, t.action] })],
);

/**
 * Messaging flows of a shop. Built-in flows exist without a row (switched off); a row switches
 * one on or edits it, with `definition` NULL while the built-in definition is kept unchanged.
 * A shop's own flows (`flw_…`) always have a definition; only they can be deleted.
 */
export const flows = sqliteTable(
  "flows",
  {
    shopId: text("shop_id")
      .notNull()
      .references(() => shops.id),
    id: text("id").notNull(),
    definition: text("definition", { mode: "json" }).$type<Record<string, unknown>>(),
    enabled: integer("enabled").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.id] })],
);

/**
 * The cron's work list: one row per person with flow work, holding the time their object next
 * wants to send. The object writes it with its own change counter (`seq`), so a late write never
 * undoes a newer one; a cron run leases the rows it handles so overlapping runs split the work.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    shopId: text("shop_id").notNull(),
    profileId: text("profile_id").notNull(),
    dueAt: integer("due_at"),
    seq: integer("seq").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until"),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.profileId] }), index("outbox_due_idx").on(t.dueAt)],
);

/**
 * Results of campaigns and flows, counted per day (in the shop's time zone) and added up per
 * isolate before they are written (workers/report-counters.ts): one row per (subject, part, day,
 * metric). `part` is a campaign's variant id (`~holdout` for its holdout) or a flow's step id
 * (`""` for the flow as a whole); `amount` is money in hundredths of the shop's currency.
 */
export const reportCounters = sqliteTable(
  "report_counters",
  {
    shopId: text("shop_id").notNull(),
    subject: text("subject", { enum: ["campaign", "flow"] }).notNull(),
    subjectId: text("subject_id").notNull(),
    part: text("part").notNull(),
    day: text("day").notNull(),
    metric: text("metric").notNull(),
    count: integer("count").notNull().default(0),
    amount: integer("amount").notNull().default(0),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.subject, t.subjectId, t.part, t.day, t.metric] })],
);
