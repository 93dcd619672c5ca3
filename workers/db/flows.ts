import { and, asc, count, eq, isNull, notInArray } from "drizzle-orm";
import { fnv1a32 } from "../../core/assignment";
import { BUILT_IN_FLOWS } from "../../core/flows/built-in";
import { BUILT_IN_FLOW_IDS, type FlowDefinition } from "../../core/flows/types";
import type { Channel } from "../../core/types";
import { randomToken } from "../crypto";
import type { FlowBody } from "../schemas/flow";
import type { ShopSettings } from "../schemas/settings";
import { TtlCache } from "../ttl-cache";
import type { Database } from "./client";
import { flows } from "./schema";

/** A flow as the API returns it: the definition plus what the server adds (null times: a built-in never changed). */
export type StoredFlow = FlowDefinition & { built_in: boolean; created_at: string | null; updated_at: string | null };

export const MAX_OWN_FLOWS_PER_SHOP = 50;

/** What a row stores as its definition: neither the id nor the switch, which are columns. */
type StoredDefinition = Omit<FlowDefinition, "id" | "enabled">;
type Row = typeof flows.$inferSelect;

/**
 * All of a shop's flows, cached per isolate so that planning and sending cost no query; a change
 * clears this isolate's entry at once, other isolates see it within the TTL.
 */
const cachedShopFlows = new TtlCache<ShopFlows>(5_000);

/** All of a shop's flows, enabled or not, with a version that changes whenever any of them does (a content hash). */
export interface ShopFlows {
  version: string;
  flows: FlowDefinition[];
}

const builtInById = new Map(BUILT_IN_FLOWS.map((flow) => [flow.id, flow]));

function isBuiltIn(id: string): boolean {
  return builtInById.has(id);
}

/** A built-in definition carries its id; a body from the API does not. */
function definitionOf(flow: FlowBody & { id?: string }): StoredDefinition {
  const { enabled: _enabled, id: _id, ...definition } = flow;
  return definition;
}

/** JSON with sorted keys and without empty (null or absent) fields: equal for equal definitions. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) => {
    if (field === null || typeof field !== "object" || Array.isArray(field)) return field;
    const entries = Object.entries(field).filter(([, inner]) => inner !== null && inner !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** Null when the definition is the built-in one, so the row keeps following the built-in (its future fixes too). */
function storedDefinitionOf(id: string, flow: FlowBody): StoredDefinition | null {
  const builtIn = builtInById.get(id);
  const definition = definitionOf(flow);
  return builtIn && canonical(definitionOf(builtIn)) === canonical(definition) ? null : definition;
}

const iso = (ms: number) => new Date(ms).toISOString();

function toFlow(id: string, row: Row | undefined): StoredFlow | null {
  const builtIn = builtInById.get(id);
  const definition = (row?.definition as StoredDefinition | null | undefined) ?? (builtIn ? definitionOf(builtIn) : null);
  if (!definition) return null;
  return {
    ...definition,
    id,
    enabled: row ? row.enabled === 1 : false,
    built_in: builtIn !== undefined,
    created_at: row ? iso(row.createdAt) : null,
    updated_at: row ? iso(row.updatedAt) : null,
  };
}

const ofShop = (shopId: string) => and(eq(flows.shopId, shopId), isNull(flows.deletedAt));
const ownFlows = (shopId: string) => and(ofShop(shopId), notInArray(flows.id, [...BUILT_IN_FLOW_IDS]));

/** Built-ins first (in their fixed order), then the shop's own by creation. */
export async function listFlows(db: Database, shopId: string): Promise<StoredFlow[]> {
  const rows = await db.select().from(flows).where(ofShop(shopId)).orderBy(asc(flows.createdAt), asc(flows.id));
  const rowById = new Map(rows.map((row) => [row.id, row]));
  const builtIns = BUILT_IN_FLOW_IDS.map((id) => toFlow(id, rowById.get(id)));
  const own = rows.filter((row) => !isBuiltIn(row.id)).map((row) => toFlow(row.id, row));
  return [...builtIns, ...own].filter((flow): flow is StoredFlow => flow !== null);
}

export async function findFlow(db: Database, shopId: string, id: string): Promise<StoredFlow | null> {
  const [row] = await db
    .select()
    .from(flows)
    .where(and(ofShop(shopId), eq(flows.id, id)));
  return toFlow(id, row);
}

export async function countOwnFlows(db: Database, shopId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(flows).where(ownFlows(shopId));
  return row?.n ?? 0;
}

/** A shop's own flow; its id is made here. */
export async function insertFlow(db: Database, shopId: string, flow: FlowBody, now = Date.now()): Promise<StoredFlow> {
  const row: Row = {
    shopId,
    id: randomToken("flw_", 9),
    definition: definitionOf(flow),
    enabled: flow.enabled ? 1 : 0,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  await db.insert(flows).values(row);
  cachedShopFlows.delete(shopId);
  return toFlow(row.id, row) as StoredFlow;
}

/** Replaces a flow (a built-in gets its row on its first change); null when the shop has no such flow. */
export async function updateFlow(db: Database, shopId: string, id: string, flow: FlowBody, now = Date.now()): Promise<StoredFlow | null> {
  const change = { definition: storedDefinitionOf(id, flow), enabled: flow.enabled ? 1 : 0, updatedAt: now };
  const [row] = isBuiltIn(id)
    ? await db
        .insert(flows)
        .values({ shopId, id, createdAt: now, deletedAt: null, ...change })
        .onConflictDoUpdate({ target: [flows.shopId, flows.id], set: change })
        .returning()
    : await db
        .update(flows)
        .set(change)
        .where(and(ofShop(shopId), eq(flows.id, id)))
        .returning();
  cachedShopFlows.delete(shopId);
  return row ? toFlow(id, row) : null;
}

/** Deletes a shop's own flow (kept as a deleted row, so reports can still name it); built-ins are switched off instead. */
export async function deleteFlow(
  db: Database,
  shopId: string,
  id: string,
  now = Date.now(),
): Promise<"deleted" | "built_in" | "not_found"> {
  if (isBuiltIn(id)) return "built_in";
  const rows = await db
    .update(flows)
    .set({ deletedAt: now, updatedAt: now })
    .where(and(ofShop(shopId), eq(flows.id, id)))
    .returning({ id: flows.id });
  cachedShopFlows.delete(shopId);
  return rows.length > 0 ? "deleted" : "not_found";
}

/** All of a shop's flows as definitions, from the isolate cache when it is fresh. */
export async function shopFlows(db: Database, shopId: string): Promise<ShopFlows> {
  return cachedShopFlows.through(shopId, async () => {
    const list = (await listFlows(db, shopId)).map(({ built_in: _b, created_at: _c, updated_at: _u, ...definition }) => definition);
    return { version: `${shopId}:${fnv1a32(JSON.stringify(list)).toString(36)}`, flows: list };
  });
}

/** Which channels the shop can deliver on: the webhook carries both, a provider its own. */
export function deliverableChannels(settings: Pick<ShopSettings, "channels">): Record<Channel, boolean> {
  const { webhook, email, sms } = settings.channels;
  return { email: webhook !== null || email !== null, sms: webhook !== null || sms !== null };
}
