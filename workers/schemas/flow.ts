import { z } from "zod";
import { templateProblem } from "../../core/flows/template";
import type { FlowDefinition } from "../../core/flows/types";
import { fromZodError, type Validated } from "../../core/validation";
import { ruleSchema } from "./rule";
import { httpUrlSchema } from "./settings";

const channelSchema = z.enum(["email", "sms"]);

const templateText = z.string().superRefine((text, ctx) => {
  const problem = templateProblem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const codeCharacters = (max: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_-]{1,${max}}$`), `must be 1-${max} letters, digits, _ or -`);

const templateSchema = z.strictObject({
  subject: templateText.optional(),
  body: templateText.min(1),
  items: z.enum(["cart", "viewed", "ordered"]).nullable().optional(),
  cta: z
    .strictObject({ label: z.string().min(1).max(80), url: httpUrlSchema })
    .nullable()
    .optional(),
  /** One code for everyone, or a prefix for a code unique to each message. */
  code: z
    .union([codeCharacters(40), z.strictObject({ prefix: codeCharacters(20) })])
    .nullable()
    .optional(),
});

const stepSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "step ids are snake_case"),
    delay_hours: z
      .number()
      .min(0)
      .max(24 * 400),
    at_next_order: z.boolean().optional(),
    channel: channelSchema,
    template: templateSchema,
    conditions: ruleSchema.nullable().optional(),
    unless_opened: z.string().nullable().optional(),
  })
  .superRefine((step, ctx) => {
    if (step.channel === "email" && step.template.subject === undefined)
      ctx.addIssue({ code: "custom", message: "an email step has a subject", path: ["template", "subject"] });
    if (step.channel === "sms" && step.template.subject !== undefined)
      ctx.addIssue({ code: "custom", message: "only email steps have a subject", path: ["template", "subject"] });
  });

const days = (min: number, max: number) => z.number().int().min(min).max(max);

const triggerSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("cart_abandoned") }),
  z.strictObject({ type: z.literal("browse_abandoned"), min_views: z.number().int().min(1).max(100) }),
  z.strictObject({ type: z.literal("subscribed"), channel: channelSchema }),
  z.strictObject({ type: z.literal("purchased"), item_categories: z.array(z.string().min(1).max(256)).max(50).optional() }),
  z.strictObject({ type: z.literal("no_purchase"), days: days(1, 3650) }),
  z.strictObject({ type: z.literal("order_anniversary"), days_before: days(0, 365) }),
  z.strictObject({ type: z.literal("birthday"), days_before: days(0, 365) }),
]);

/** A flow as the API takes it (without its id): unknown fields refused, defaults filled in. */
const flowSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    enabled: z.boolean().default(false),
    trigger: triggerSchema,
    entry: ruleSchema.nullable().optional(),
    exit: ruleSchema.nullable().optional(),
    steps: z.array(stepSchema).min(1).max(10),
    reentry_days: z.number().min(0).max(3650).nullable().default(null),
  })
  .superRefine((flow, ctx) => {
    const ids = flow.steps.map((step) => step.id);
    flow.steps.forEach((step, i) => {
      if (ids.indexOf(step.id) !== i) ctx.addIssue({ code: "custom", message: "step ids must be unique", path: ["steps", i, "id"] });
      // An earlier step only: a later one has not been sent when this one is due.
      if (step.unless_opened != null && !ids.slice(0, i).includes(step.unless_opened))
        ctx.addIssue({ code: "custom", message: "must name an earlier step of this flow", path: ["steps", i, "unless_opened"] });
    });
  });

export type FlowBody = Omit<FlowDefinition, "id">;

/** A flow body validated whole: the definition, or the first problem with its field. */
export function parseFlow(body: unknown): Validated<FlowBody> {
  const parsed = flowSchema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : fromZodError(parsed.error);
}
