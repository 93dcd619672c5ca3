import { z } from "zod";
import { type Rule, validateRule } from "../../core/rules";

/** A rule problem's field (`all[0].attr`) as a zod path (`["all", 0, "attr"]`). */
export function rulePath(field: string | undefined): (string | number)[] {
  return (field ?? "")
    .split(/\.|\[|\]/)
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The problem's message without the field it starts with (the path carries the field). */
export const ruleMessage = (message: string): string => message.replace(/^[^:]*: /, "");

/** An audience rule (campaigns, flows), checked by core/rules.ts, its problem reported at the rule's own field. */
export const ruleSchema = z.unknown().transform((rule, ctx) => {
  const problem = validateRule(rule, "");
  if (problem) {
    ctx.addIssue({ code: "custom", message: ruleMessage(problem.message), path: rulePath(problem.field) });
    return z.NEVER;
  }
  return rule as Rule;
});
