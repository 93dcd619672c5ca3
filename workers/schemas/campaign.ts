import { z } from "zod";
import { PLACEMENT_PATTERN } from "../../core/decide";
import { NBA_ACTIONS } from "../../core/nba";
import { isSafeUrl } from "../../core/safe-url";
import { parseScheduleTime } from "../../core/time-zone";
import { ruleSchema } from "./rule";
import { timezoneSchema } from "./settings";

const safeUrl = z.string().max(2048).refine(isSafeUrl, "must be an https:, http: or relative URL");
const text = (max: number) => z.string().max(max);

export const placementSchema = z.string().regex(PLACEMENT_PATTERN, "must be top_banner, popup, nba or inline:<slot>");

export const contentSchema = z.strictObject({
  title: text(200).optional(),
  body: text(2000).optional(),
  cta: z.strictObject({ label: text(80).min(1), url: safeUrl }).optional(),
  image_url: safeUrl.optional(),
  code: text(64).optional(),
  items: z
    .array(
      z.strictObject({
        item_id: text(256).min(1),
        item_name: text(512).optional(),
        price: z.number().min(0).optional(),
        url: safeUrl.optional(),
        image_url: safeUrl.optional(),
      }),
    )
    .max(20)
    .optional(),
});

const variantSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "must be 1-32 letters, digits, _ or -"),
  weight: z.number().min(0).max(100),
  content: contentSchema,
});

/** With an offset an instant; without one, wall-clock time in the schedule's time zone. */
const isoDate = z.iso.datetime({ offset: true, local: true });

/** A campaign as the API takes it: unknown fields refused, defaults filled in. */
export const campaignSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    placement: placementSchema,
    status: z.enum(["draft", "active", "paused", "archived"]).default("active"),
    priority: z.number().int().min(-1000).max(1000).default(0),
    audience: ruleSchema.default({ all: [] }),
    trigger: z
      .strictObject({
        delay_ms: z.number().int().min(0).max(600_000).default(0),
        scroll_pct: z.number().min(0).max(100).nullable().default(null),
        exit_intent: z.boolean().default(false),
        url_matches: z.string().min(1).max(512).nullable().default(null),
      })
      .nullable()
      .default(null),
    caps: z
      .strictObject({
        per_day: z.number().int().min(1).max(1000).nullable().default(null),
        lifetime: z.number().int().min(1).max(100_000).nullable().default(null),
        stop_after_click: z.boolean().default(false),
        stop_after_conversion: z.boolean().default(false),
      })
      .default({ per_day: null, lifetime: null, stop_after_click: false, stop_after_conversion: false }),
    variants: z.array(variantSchema).min(1).max(10),
    holdout: z.number().min(0).max(0.5).default(0),
    /** What the offer is for; first-purchase and welcome offers never reach customers or VIPs. */
    goal: z.enum(["general", "first_purchase", "welcome"]).default("general"),
    /** For the `nba` placement: the next-best-action this campaign offers. */
    action: z.enum(NBA_ACTIONS).optional(),
    schedule: z
      .strictObject({
        start: isoDate.nullable().default(null),
        end: isoDate.nullable().default(null),
        timezone: timezoneSchema.default("UTC"),
      })
      .nullable()
      .default(null),
  })
  .superRefine((campaign, ctx) => {
    const total = campaign.variants.reduce((sum, variant) => sum + variant.weight, 0);
    if (Math.abs(total - 100) > 1e-9)
      ctx.addIssue({ code: "custom", message: `weights must sum to 100 (they sum to ${total})`, path: ["variants"] });
    const ids = campaign.variants.map((variant) => variant.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: "custom", message: "variant ids must be unique", path: ["variants", i, "id"] });
    });
    if (campaign.placement === "nba" && !campaign.action)
      ctx.addIssue({ code: "custom", message: `an nba campaign names its action (${NBA_ACTIONS.join(", ")})`, path: ["action"] });
    if (campaign.placement !== "nba" && campaign.action)
      ctx.addIssue({ code: "custom", message: "only nba campaigns have an action", path: ["action"] });
    const { start, end, timezone } = campaign.schedule ?? { timezone: "UTC" };
    if (start && end && parseScheduleTime(start, timezone) >= parseScheduleTime(end, timezone)) {
      ctx.addIssue({ code: "custom", message: "must be after start", path: ["schedule", "end"] });
    }
  });

export type CampaignInput = z.input<typeof campaignSchema>;
export type Campaign = z.output<typeof campaignSchema>;
