/**
 * The pure work a person's object does for one collect (one page_view), step by step, for a new
 * person and for one with 5,000 events of history (views over 300 items, carts, 20 orders): where
 * the object's CPU goes before any storage. Run with `npx vitest bench --run --project core
 * core/batch-work.bench.ts`.
 */
import { bench, describe } from "vitest";
import { planFlows } from "./flows/plan";
import { BUILT_IN_FLOWS } from "./flows/built-in";
import { emptyFlowState } from "./flows/state";
import { applyBatch, emptyProfile, type BatchContext, type IncomingEvent } from "./profile";
import { toApiProfile } from "./profile-view";
import { resultsOfBatch } from "./results/batch";
import type { ProfileState, TrackedEvent } from "./types";

const NOW = Date.parse("2026-11-29T12:00:00Z");
const DAY = 86_400_000;
const device = { kind: "anonymous_id" as const, value: "bench-device" };
const flows = BUILT_IN_FLOWS.map((flow) => ({ ...flow, enabled: true }));

function context(): BatchContext {
  return { now: NOW, consentMode: "implied", seenIds: new Set(), ledger: new Map(), batchIdentifiers: [device], tokenUses: new Set() };
}

const incoming = (event: TrackedEvent): IncomingEvent => ({ event, identifiers: [device] });

/** 5,000 events over 60 days: views of 300 items in 12 categories, cart changes, 20 orders. */
function historyEvents(): TrackedEvent[] {
  const events: TrackedEvent[] = [];
  for (let i = 0; i < 5_000; i++) {
    const ts = NOW - 60 * DAY + Math.floor((i / 5_000) * 59 * DAY);
    const item = { item_id: `item-${i % 300}`, item_name: `Item ${i % 300}`, item_category: `cat-${i % 12}`, price: 10 + (i % 40) };
    if (i % 250 === 249) {
      events.push({ id: `h${i}`, type: "purchase", ts, transaction_id: `T${i}`, value: 42, currency: "EUR", items: [item] });
    } else if (i % 10 === 9) {
      events.push({ id: `h${i}`, type: "add_to_cart", ts, items: [item], value: item.price, currency: "EUR" });
    } else {
      events.push({ id: `h${i}`, type: "view_item", ts, items: [item], page: { url: `https://shop.example/p/${item.item_id}` } });
    }
  }
  return events;
}

/** The batch's flow planning, as the object does it after each batch. */
function planned(state: ProfileState, events: readonly TrackedEvent[]): ProfileState {
  const { flows: next } = planFlows({
    flows,
    state,
    current: state.flows ?? emptyFlowState(),
    events,
    profile: () => toApiProfile(state, "implied", NOW),
    now: NOW,
    newRunId: () => `run_${events[0]?.id}`,
  });
  return { ...state, flows: next };
}

function withHistory(): ProfileState {
  let state = emptyProfile("bench-person", NOW - 60 * DAY);
  const events = historyEvents();
  for (let i = 0; i < events.length; i += 100) {
    const batch = events.slice(i, i + 100);
    state = planned(applyBatch(state, batch.map(incoming), context()).state, batch);
  }
  return state;
}

const pageView = (): IncomingEvent[] => [incoming({ id: null, type: "page_view", ts: NOW, page: { url: "https://shop.example/" } })];

for (const [label, state] of [
  ["a new person", emptyProfile("new-person", NOW)],
  ["a person with 5,000 events of history", withHistory()],
] as const) {
  describe(`one page_view for ${label} (state ${JSON.stringify(state).length} bytes)`, () => {
    bench("applyBatch", () => {
      applyBatch(state, pageView(), context());
    });
    bench("resultsOfBatch", () => {
      resultsOfBatch(applyBatch(state, pageView(), context()), { timezone: "Europe/Berlin", click_days: 7, view_days: 1 });
    });
    bench("planFlows (8 flows)", () => {
      planned(state, [pageView()[0]?.event as TrackedEvent]);
    });
    bench("toApiProfile (for a decision)", () => {
      toApiProfile(state, "implied", NOW);
    });
    bench("JSON.stringify(state) (its write)", () => {
      JSON.stringify(state);
    });
    bench("structuredClone(state)", () => {
      structuredClone(state);
    });
  });
}
