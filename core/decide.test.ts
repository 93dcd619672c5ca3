import { describe, expect, it } from "vitest";
import { mulberry32 } from "./bandit";
import { compileCampaigns } from "./compiled-campaigns";
import { decide, type DecidableCampaign, type DecisionTrigger } from "./decide";
import vectors from "./decide.vectors.json";

interface VectorCampaign {
  id: string;
  placement: string;
  priority?: number;
  status?: DecidableCampaign["status"];
  audience?: unknown;
  holdout?: number;
  forceHoldout?: boolean;
  goal?: DecidableCampaign["goal"];
  updated_at?: string;
  content?: DecidableCampaign["variants"][number]["content"];
  trigger?: DecidableCampaign["trigger"];
}
interface Vector {
  name: string;
  placements: string[];
  campaigns: VectorCampaign[];
  profile: unknown;
  bought?: Record<string, number>;
  decisions: [string, string][];
  skipped?: Record<string, string>;
  /** Each decided campaign's expected `trigger`; null: the decision has none. */
  triggers?: Record<string, DecisionTrigger | null>;
}

function campaignOf(v: VectorCampaign): DecidableCampaign {
  return {
    id: v.id,
    placement: v.placement,
    priority: v.priority ?? 0,
    status: v.status ?? "active",
    audience: (v.audience ?? { all: [] }) as DecidableCampaign["audience"],
    caps: { per_day: null, lifetime: null, stop_after_click: false, stop_after_conversion: false },
    schedule: null,
    holdout: v.holdout ?? 0,
    goal: v.goal ?? "general",
    updated_at: v.updated_at ?? "2026-11-01T00:00:00Z",
    variants: [{ id: "a", weight: 100, content: v.content ?? { title: v.id } }],
    ...(v.trigger === undefined ? {} : { trigger: v.trigger }),
  };
}

/** A decision input for one placement and campaign, with an empty person. */
function inputFor(placement: string, campaign: DecidableCampaign, seed: number) {
  return {
    placements: [placement],
    campaigns: [campaign],
    subject: { profile: {}, context: {} },
    history: {},
    assignments: {},
    boughtItems: {},
    personId: "p",
    now: 5,
    shopTimezone: "UTC",
    bandit: {},
    random: mulberry32(seed),
  };
}

/** Each vector runs on the interpreter and on the compiled path, with and without explanations. */
const PATHS = [
  { path: "interpreted", compile: false, explain: true },
  { path: "compiled", compile: true, explain: true },
  { path: "compiled, unexplained", compile: true, explain: false },
] as const;

describe("decisions (JSON vectors)", () => {
  it.each(PATHS.flatMap(({ path, compile, explain }) => (vectors as Vector[]).map((v) => [path, v.name, v, compile, explain] as const)))(
    "%s: %s",
    (_path, _name, v, compile, explain) => {
      const list = v.campaigns.map(campaignOf);
      const campaigns = compile ? compileCampaigns(list) : list;
      // A sticky holdout stands for "this person fell in the holdout".
      const assignments = Object.fromEntries(v.campaigns.filter((c) => c.forceHoldout).map((c) => [c.id, { variant_id: null, at: 1 }]));
      const out = decide({
        placements: v.placements,
        campaigns,
        subject: { profile: v.profile, context: {} },
        history: {},
        assignments,
        boughtItems: v.bought ?? {},
        personId: "person-1",
        now: Date.parse("2026-11-27T12:00:00Z"),
        shopTimezone: "UTC",
        bandit: {},
        random: mulberry32(1),
        explain,
      });
      expect(out.decisions.map((d) => [d.placement, d.campaign_id])).toEqual(v.decisions);
      if (!explain) expect(out.candidates.every((c) => c.outcome === "holdout")).toBe(true);
      for (const [campaignId, reason] of explain ? Object.entries(v.skipped ?? {}) : []) {
        const candidate = out.candidates.find((c) => c.campaign_id === campaignId);
        expect(candidate?.outcome).toBe("skipped");
        expect(candidate?.reason.startsWith(reason)).toBe(true);
      }
      for (const candidate of out.candidates) expect(candidate.reason.length).toBeGreaterThan(0);
      for (const [campaignId, trigger] of Object.entries(v.triggers ?? {})) {
        const decision = out.decisions.find((d) => d.campaign_id === campaignId);
        expect(decision).toBeDefined();
        if (trigger === null) expect(decision && "trigger" in decision).toBe(false);
        else expect(decision?.trigger).toEqual(trigger);
      }
    },
  );

  it("records new sticky assignments without changing its input", () => {
    const input = inputFor("top_banner", campaignOf({ id: "c", placement: "top_banner" }), 2);
    const out = decide(input);
    expect(out.assignments).toEqual({ c: { variant_id: "a", at: 5 } });
    expect(input.assignments).toEqual({});
  });

  it("gives each decision its own copy of the trigger, with exactly the four fields", () => {
    const trigger = { delay_ms: 0, scroll_pct: null, exit_intent: true, url_matches: null, note: "not for the page" } as DecisionTrigger;
    const campaign = { ...campaignOf({ id: "c", placement: "popup" }), trigger };
    const input = inputFor("popup", campaign, 3);
    const [decision] = decide(input).decisions;
    expect(decision?.trigger).toEqual({ delay_ms: 0, scroll_pct: null, exit_intent: true, url_matches: null });
    expect(decision?.trigger).not.toBe(trigger);
  });
});
