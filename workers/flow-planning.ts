import type { FlowDefinition } from "../core/flows/types";
import type { Database } from "./db/client";
import { shopFlows } from "./db/flows";

/** Planning flows per version of a shop's flows (versions are content hashes), made once per isolate. */
const stripped = new Map<string, FlowDefinition[]>();
const MAX_VERSIONS = 1000;

/**
 * The shop's enabled flows, for a person's object to plan a batch into (undefined when none is
 * on, so a shop without flows pays nothing). Templates stay behind: planning needs only
 * triggers, rules and timings, and the cron brings the whole definitions at send time.
 */
export async function planningFlows(db: Database, shopId: string): Promise<FlowDefinition[] | undefined> {
  const { version, flows } = await shopFlows(db, shopId);
  const known = stripped.get(version);
  if (known) return known.length === 0 ? undefined : known;
  const enabled = flows
    .filter((flow) => flow.enabled)
    .map((flow) => ({ ...flow, steps: flow.steps.map((step) => ({ ...step, template: { body: "" } })) }));
  if (stripped.size >= MAX_VERSIONS) stripped.clear();
  stripped.set(version, enabled);
  return enabled.length === 0 ? undefined : enabled;
}
