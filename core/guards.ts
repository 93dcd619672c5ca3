/**
 * Journey guards on what a variant offers: never a discount for a product the person
 * already bought; product suggestions leave out what they bought.
 */
export interface OfferContent {
  code?: string | undefined;
  items?: { item_id: string }[] | undefined;
}

export type GuardResult<C> = { ok: true; content: C; removed: string[] } | { ok: false; reason: "already_bought"; detail: string };

export function guardContent<C extends OfferContent>(content: C, boughtItems: Record<string, number>): GuardResult<C> {
  const items = content.items;
  if (!items || items.length === 0) return { ok: true, content, removed: [] };
  const bought = (id: string) => Object.hasOwn(boughtItems, id) && (boughtItems[id] ?? 0) > 0;
  const removed = items.filter((item) => bought(item.item_id)).map((item) => item.item_id);
  if (removed.length === 0) return { ok: true, content, removed };
  if (content.code !== undefined)
    return { ok: false, reason: "already_bought", detail: `a discount on ${removed.join(", ")}, already bought` };
  const remaining = items.filter((item) => !bought(item.item_id));
  if (remaining.length === 0)
    return { ok: false, reason: "already_bought", detail: `every suggested item was bought (${removed.join(", ")})` };
  return { ok: true, content: { ...content, items: remaining }, removed };
}
