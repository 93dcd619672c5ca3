import { describe, expect, it } from "vitest";
import { api, createShop, getProfile, serverEvents, visitorId } from "../helpers";

interface ExportBody {
  events: { type: string; id: string | null }[];
  merges: { type: string; absorbed: string[] }[];
  identifiers: { absorbed_profile_ids: string[] };
}

const pageViews = (prefix: string, key: Record<string, string>, count: number) =>
  Array.from({ length: count }, (_, i) => ({ events: [{ type: "page_view", id: `${prefix}-${i}`, ...key }] }));

describe("merges under concurrency", () => {
  it.each([1, 2, 3])("counts every event once when page views race the identify that merges their people (round %i)", async () => {
    const shop = await createShop();
    const email = `${visitorId("race")}@example.com`;
    const customerId = visitorId("cust");
    const batches = [
      ...pageViews("by-email", { email }, 20),
      { events: [{ type: "identify", id: "link", customer_id: customerId, traits: { email } }] },
      ...pageViews("by-customer", { customer_id: customerId }, 20),
    ];
    const answers = await Promise.all(batches.map((batch) => serverEvents(shop, batch)));
    for (const answer of answers) expect(answer.status, await answer.clone().text()).toBe(200);

    const byEmail = await getProfile(shop, `email:${email}`);
    const byCustomer = await getProfile(shop, `customer_id:${customerId}`);
    expect(byEmail.body.profile_id).toBe(byCustomer.body.profile_id);
    expect(byCustomer.body.counters.page_views).toBe(40);
    expect(byCustomer.body.counters.events).toBe(41);

    const exported = (await (await api(shop, "GET", `/v1/profiles/customer_id:${customerId}/export`)).json()) as ExportBody;
    const ids = exported.events.map((event) => event.id);
    expect(ids).toHaveLength(41);
    expect(new Set(ids).size).toBe(41);
    const absorbed = exported.merges.filter((entry) => entry.type === "merge").flatMap((entry) => entry.absorbed);
    expect(new Set(absorbed).size).toBe(absorbed.length);
    expect(new Set(exported.identifiers.absorbed_profile_ids).size).toBe(exported.identifiers.absorbed_profile_ids.length);
  });
});
