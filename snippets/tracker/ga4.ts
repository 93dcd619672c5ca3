// GA4 e-commerce events (from the page's dataLayer, gtag() calls or nudge('track', name, params)) as
// Nudge events. Only the known e-commerce names are taken; numbers sent as strings ("12.50") become
// numbers, ids strings, and items without an id are left out. Whatever the API still refuses
// costs only that event: the tracker drops the event a 400 names and sends the rest again.
import { num, type Obj, obj } from "./util";

/** view_item, view_item_list, select_item, add_to_cart, remove_from_cart, view_cart, begin_checkout, purchase, refund, search. */
export const GA4_EVENTS = /^(view_item(_list)?|select_item|(add_to|remove_from|view)_cart|begin_checkout|purchase|refund|search)$/;

/** An id as a string (GA4 allows numbers), undefined when missing or empty. */
const id = (v: unknown) => (v || v === 0 ? `${v}` : undefined);

/**
 * The Nudge event of the GA4 e-commerce event `name` with its parameters (`{items, value,
 * currency, transaction_id, search_term, …}`); undefined for any other name. Parameters the API
 * does not know are left for it to drop.
 */
export function ga4(name: unknown, params: unknown): Obj | undefined {
  if (!GA4_EVENTS.test(name as string)) return;
  const p = obj(params);
  const items = Array.isArray(p.items)
    ? p.items.slice(0, 200).flatMap((v) => {
        // An item needs an item_id; GA4 allows an item_name alone.
        const i = obj(v);
        const item_id = id(i.item_id) || id(i.item_name);
        return item_id ? [{ ...i, item_id, price: num(i.price), quantity: num(i.quantity) }] : [];
      })
    : undefined;
  return {
    ...p,
    type: name,
    // Only a list: a view_cart or begin_checkout with one replaces the cart. (A view or cart change
    // without items, which says nothing, is refused by the API and dropped.)
    items,
    value: num(p.value),
    transaction_id: id(p.transaction_id),
    tax: num(p.tax),
    shipping: num(p.shipping),
  };
}
