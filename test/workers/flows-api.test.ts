import { describe, expect, it } from "vitest";
import seedSql from "../../scripts/seed.sql?raw";
import { BUILT_IN_FLOW_IDS } from "../../core/flows/types";
import { shopFlows } from "../../workers/db/flows";
import { api, createShop, type TestShop } from "../helpers";
import { centralDatabase, centralDb, type CentralStatement } from "../central-db";

interface StoredFlow {
  id: string;
  name: string;
  enabled: boolean;
  built_in: boolean;
  created_at: string | null;
  updated_at: string | null;
  steps: { id: string; channel: string; delay_hours: number }[];
}

interface ErrorBody {
  error: { code: string; field?: string };
}

const thankYou = {
  name: "Thank you for subscribing",
  trigger: { type: "subscribed", channel: "email" },
  steps: [
    {
      id: "hello",
      delay_hours: 0,
      channel: "email",
      template: { subject: "Hello {{first_name|there}}", body: "Welcome to {{shop_name}}." },
    },
    {
      id: "reminder",
      delay_hours: 72,
      channel: "email",
      unless_opened: "hello",
      template: { subject: "Still there?", body: "Your code: {{code}}", code: { prefix: "HI-" } },
    },
  ],
  reentry_days: null,
};

async function withWebhook(shop: TestShop): Promise<void> {
  const response = await api(shop, "PUT", "/v1/settings", {
    channels: { webhook: { url: "https://hooks.example/n", secret: "whsec_test_1" } },
  });
  expect(response.status).toBe(200);
}

async function listed(shop: TestShop): Promise<StoredFlow[]> {
  return ((await (await api(shop, "GET", "/v1/flows")).json()) as { flows: StoredFlow[] }).flows;
}

async function refusedField(response: Response): Promise<string | undefined> {
  expect(response.status).toBe(400);
  return ((await response.json()) as ErrorBody).error.field;
}

/** scripts/seed.sql as statements (its comments hold no statements). */
function seedStatements(): CentralStatement[] {
  const code = seedSql
    .split("\n")
    .filter((line) => !line.startsWith("--"))
    .join("\n");
  return code
    .split(";")
    .map((statement) => statement.trim())
    .filter(Boolean)
    .map((statement) => centralDb().prepare(statement));
}

describe("/v1/flows", () => {
  it("lists the eight built-in flows switched off for a new shop", async () => {
    const flows = await listed(await createShop());
    expect(flows.map((flow) => flow.id)).toEqual([...BUILT_IN_FLOW_IDS]);
    expect(flows.every((flow) => flow.built_in && !flow.enabled && flow.created_at === null)).toBe(true);
  });

  it("switches a built-in flow on with {enabled: true} when a webhook is configured, and GET shows it", async () => {
    const shop = await createShop();
    await withWebhook(shop);
    const put = await api(shop, "PUT", "/v1/flows/cart_abandonment", { enabled: true });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ id: "cart_abandonment", enabled: true, built_in: true });
    const read = (await (await api(shop, "GET", "/v1/flows/cart_abandonment")).json()) as StoredFlow;
    expect(read.enabled).toBe(true);
    expect(read.steps.map((step) => step.id)).toEqual(["reminder", "sms_nudge", "offer"]);
    // The definition is left to the built-in (NULL), so improvements of the built-in reach the shop.
    const row = await centralDb()
      .prepare("SELECT definition FROM flows WHERE shop_id = ? AND id = 'cart_abandonment'")
      .bind(shop.shop_id)
      .first<{ definition: string | null }>();
    expect(row?.definition).toBeNull();
  });

  it("refuses to switch a flow on when a step's channel cannot be delivered", async () => {
    const shop = await createShop();
    expect(await refusedField(await api(shop, "PUT", "/v1/flows/welcome", { enabled: true }))).toBe("steps[0].channel");
    expect(await refusedField(await api(shop, "POST", "/v1/flows", { ...thankYou, enabled: true }))).toBe("steps[0].channel");
    expect((await listed(shop)).filter((flow) => flow.enabled || !flow.built_in)).toEqual([]);
  });

  it("refuses invalid flows with the offending field", async () => {
    const shop = await createShop();
    const [hello, reminder] = thankYou.steps;
    const cases: [unknown, string][] = [
      [{ ...thankYou, trigger: { type: "moon_phase" } }, "trigger.type"],
      [{ ...thankYou, steps: [{ ...hello, delay_hours: -1 }, reminder] }, "steps[0].delay_hours"],
      [
        { ...thankYou, steps: [{ ...hello, template: { subject: "Hi", body: "Hi {{favourite_colour}}" } }, reminder] },
        "steps[0].template.body",
      ],
      [{ ...thankYou, steps: [{ ...hello, unless_opened: "reminder" }, reminder] }, "steps[0].unless_opened"],
      [{ ...thankYou, steps: [hello, { ...reminder, unless_opened: "nowhere" }] }, "steps[1].unless_opened"],
      [{ ...thankYou, steps: [hello, { ...reminder, id: "hello" }] }, "steps[1].id"],
      [{ ...thankYou, steps: [{ ...hello, template: { body: "No subject" } }] }, "steps[0].template.subject"],
      [{ ...thankYou, steps: [{ ...hello, conditions: { attr: "cart.colour", op: "eq", value: 1 } }] }, "steps[0].conditions.attr"],
      [
        { ...thankYou, steps: [{ ...hello, template: { ...hello?.template, cta: { label: "Go", url: "javascript:alert(1)" } } }] },
        "steps[0].template.cta.url",
      ],
      [{ ...thankYou, steps: [] }, "steps"],
    ];
    for (const [body, field] of cases) expect(await refusedField(await api(shop, "POST", "/v1/flows", body)), field).toBe(field);
    expect((await listed(shop)).some((flow) => !flow.built_in)).toBe(false);
  });

  it("answers odd bodies with a 4xx, never a 500", async () => {
    const shop = await createShop();
    const [hello] = thankYou.steps;
    const bodies: unknown[] = [
      [],
      "flow",
      null,
      { ...thankYou, trigger: null },
      { ...thankYou, trigger: "cart_abandoned" },
      { ...thankYou, steps: [null] },
      { ...thankYou, steps: "hello" },
      { ...thankYou, steps: [{ ...hello, template: null }] },
      { ...thankYou, steps: [{ ...hello, id: 7, template: { body: 7 } }] },
      { ...thankYou, steps: [{ ...hello, channel: "pigeon", unless_opened: 3 }] },
      { ...thankYou, steps: [{ ...hello, template: { subject: null, body: "{{" } }] },
      { ...thankYou, entry: [], exit: "yes", reentry_days: -1 },
    ];
    for (const body of bodies) {
      for (const [method, path] of [
        ["POST", "/v1/flows"],
        ["PUT", "/v1/flows/welcome"],
        ["PUT", "/v1/flows/%ZZ"],
      ] as const) {
        const response = await api(shop, method, path, body);
        expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500);
      }
    }
    for (const method of ["GET", "DELETE", "PUT"])
      expect((await api(shop, method, "/v1/flows/%ZZ", method === "PUT" ? {} : undefined)).status).toBe(404);
    expect((await listed(shop)).filter((flow) => flow.enabled || !flow.built_in || flow.created_at !== null)).toEqual([]);
  });

  it("creates, reads, changes and deletes a shop's own flow", async () => {
    const shop = await createShop();
    const created = await api(shop, "POST", "/v1/flows", { ...thankYou, id: "chosen_by_client" });
    expect(created.status).toBe(201);
    const flow = (await created.json()) as StoredFlow;
    expect(flow).toMatchObject({ name: thankYou.name, enabled: false, built_in: false });
    expect(flow.id).toMatch(/^flw_/);
    expect(await (await api(shop, "GET", `/v1/flows/${flow.id}`)).json()).toEqual(flow);
    expect((await listed(shop)).map((listedFlow) => listedFlow.id)).toEqual([...BUILT_IN_FLOW_IDS, flow.id]);

    // Top-level fields merge over the stored flow; steps are replaced whole.
    const changed = await api(shop, "PUT", `/v1/flows/${flow.id}`, { name: "Hello", steps: [thankYou.steps[0]] });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ id: flow.id, name: "Hello", trigger: thankYou.trigger, steps: [{ id: "hello" }] });

    expect(await (await api(shop, "DELETE", `/v1/flows/${flow.id}`)).json()).toEqual({ id: flow.id, deleted: true });
    expect((await api(shop, "GET", `/v1/flows/${flow.id}`)).status).toBe(404);
    expect((await listed(shop)).map((listedFlow) => listedFlow.id)).toEqual([...BUILT_IN_FLOW_IDS]);
  });

  it("edits a built-in flow: the change is stored, the rest of the built-in kept", async () => {
    const shop = await createShop();
    const put = await api(shop, "PUT", "/v1/flows/post_purchase", { name: "After your order", reentry_days: 30 });
    expect(put.status).toBe(200);
    const read = (await (await api(shop, "GET", "/v1/flows/post_purchase")).json()) as StoredFlow & { reentry_days: number };
    expect(read).toMatchObject({ name: "After your order", reentry_days: 30, built_in: true, enabled: false });
    expect(read.steps.length).toBeGreaterThan(0);
    expect(read.created_at).not.toBeNull();
  });

  it("refuses a shop's 51st own flow with 409", async () => {
    const shop = await createShop();
    for (let i = 0; i < 50; i++) expect((await api(shop, "POST", "/v1/flows", thankYou)).status).toBe(201);
    const response = await api(shop, "POST", "/v1/flows", thankYou);
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error.code).toBe("too_many_flows");
    expect((await listed(shop)).length).toBe(BUILT_IN_FLOW_IDS.length + 50);
  });

  it("refuses to delete a built-in flow with 409", async () => {
    const shop = await createShop();
    const response = await api(shop, "DELETE", "/v1/flows/welcome");
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error.code).toBe("built_in_flow");
    expect((await api(shop, "GET", "/v1/flows/welcome")).status).toBe(200);
  });

  it("keeps a shop's flows to it: another shop's id answers 404", async () => {
    const shop = await createShop();
    const other = await createShop();
    const flow = (await (await api(shop, "POST", "/v1/flows", thankYou)).json()) as StoredFlow;
    for (const [method, body] of [["GET"], ["PUT", { name: "Taken" }], ["DELETE"]] as const) {
      const response = await api(other, method, `/v1/flows/${flow.id}`, body);
      expect(response.status, method).toBe(404);
      expect(((await response.json()) as ErrorBody).error.code).toBe("flow_not_found");
    }
    expect(((await (await api(shop, "GET", `/v1/flows/${flow.id}`)).json()) as StoredFlow).name).toBe(thankYou.name);
  });

  it("changes nothing on a refused change: GET afterwards shows the old flow", async () => {
    const shop = await createShop();
    const flow = (await (await api(shop, "POST", "/v1/flows", thankYou)).json()) as StoredFlow;
    expect(await refusedField(await api(shop, "PUT", `/v1/flows/${flow.id}`, { name: "New", steps: [{ id: "Bad Id" }] }))).toBe(
      "steps[0].id",
    );
    expect(await refusedField(await api(shop, "PUT", `/v1/flows/${flow.id}`, { name: "New", enabled: true }))).toBe("steps[0].channel");
    expect(await (await api(shop, "GET", `/v1/flows/${flow.id}`)).json()).toEqual(flow);
  });

  it("gives shopFlows a new version after a PUT", async () => {
    const shop = await createShop();
    await withWebhook(shop);
    const db = centralDatabase();
    const before = await shopFlows(db, shop.shop_id);
    expect(before.flows.map((flow) => flow.id)).toEqual([...BUILT_IN_FLOW_IDS]);
    expect((await api(shop, "PUT", "/v1/flows/win_back", { enabled: true })).status).toBe(200);
    const after = await shopFlows(db, shop.shop_id);
    expect(after.version).not.toBe(before.version);
    expect(after.flows.find((flow) => flow.id === "win_back")?.enabled).toBe(true);
  });

  it("switches the eight built-in flows on for the seeded demo shop, and a re-seed keeps a flow switched off", async () => {
    await centralDb().batch(seedStatements());
    const demo = { shop_id: "shop_demo", site_key: "pk_demo", secret_key: "sk_demo", identity_secret: "ids_demo" };
    expect((await listed(demo)).map((flow) => [flow.id, flow.enabled])).toEqual(BUILT_IN_FLOW_IDS.map((id) => [id, true]));
    expect((await api(demo, "PUT", "/v1/flows/birthday", { enabled: false })).status).toBe(200);
    await centralDb().batch(seedStatements());
    expect((await listed(demo)).find((flow) => flow.id === "birthday")?.enabled).toBe(false);
  });
});
