import type { FlowDefinition } from "../core/flows/types";
import type { Database } from "./db/client";
import { shopFlows } from "./db/flows";

/**
 * The shop's enabled flows, for a person's object to plan a batch into (undefined when none is
 * on, so a shop without flows pays nothing). Templates stay behind: planning needs only
 * triggers, rules and timings, and the cron brings the whole definitions at send time.
 */
export async function planningFlows(db: Database, shopId: string): Promise<FlowDefinition[] | undefined> {
  const enabled = (await shopFlows(db, shopId)).flows.filter((flow) => flow.enabled);
  if (enabled.length === 0) return undefined;
  return enabled.map((flow) => ({ ...flow, steps: flow.steps.map((step) => ({ ...step, template: { body: "" } })) }));
}
