import { describe, expect, it } from "vitest";
import { validateRule } from "../rules";
import { BUILT_IN_FLOWS } from "./built-in";
import { BUILT_IN_FLOW_IDS } from "./types";

describe("the built-in flows", () => {
  it("are the eight built-in ids, all switched off", () => {
    expect(BUILT_IN_FLOWS.map((flow) => flow.id)).toEqual([...BUILT_IN_FLOW_IDS]);
    expect(BUILT_IN_FLOWS.every((flow) => !flow.enabled)).toBe(true);
  });

  it.each(BUILT_IN_FLOWS.map((flow) => [flow.id, flow] as const))("%s has unique snake_case steps with content", (_, flow) => {
    const ids = flow.steps.map((step) => step.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const step of flow.steps) {
      expect(step.id).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(step.template.body.length).toBeGreaterThan(0);
      expect(step.channel === "sms" || (step.template.subject ?? "").length > 0).toBe(true);
      if (step.unless_opened) expect(ids.indexOf(step.unless_opened)).toBeLessThan(ids.indexOf(step.id));
      if (step.conditions) expect(validateRule(step.conditions, "conditions")).toBeNull();
    }
    if (flow.entry) expect(validateRule(flow.entry, "entry")).toBeNull();
  });
});
