import type { PersonResults } from "../core/results/person";
import { messageHistory } from "../core/flows/history";
import type { TrackedEvent } from "../core/types";
import type { PersonExport } from "../durable-objects/profile-rpc";
import type { Page, PagedPart } from "../durable-objects/paged-rows";
import type { ProfileStub } from "./routing";

const iso = (ms: number) => new Date(ms).toISOString();

/** Reads one part of a person's rows page by page, each page well under the RPC limit. */
async function* rowsOf<T>(person: ProfileStub, part: PagedPart): AsyncGenerator<T> {
  let after = 0;
  for (;;) {
    const page = (await person.exportPage(part, after)) as Page;
    for (const { row } of page.rows) yield JSON.parse(row) as T;
    if (page.next === null) return;
    after = page.next;
  }
}

interface EventRow {
  received_at: number;
  body: string;
}

/** What the person counted as in campaign and flow results: touches (with their times), memberships and credited orders. */
function resultsExport(results: PersonResults | undefined) {
  if (!results) return null;
  return { ...results, touches: results.touches.map((touch) => ({ ...touch, at: iso(touch.at) })) };
}

/**
 * Everything held about a person (GDPR art. 15/20) as a JSON stream: the object hands its rows
 * over in pages, so a person with any history is exported without one oversized message.
 */
export function exportStream(person: ProfileStub, data: PersonExport): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  const write = (text: string) => writer.write(encoder.encode(text));
  const { profile, head } = data;

  const produce = async () => {
    await write(`{"profile":${JSON.stringify(profile)},"identifiers":`);
    const devices: string[] = [];
    for await (const row of rowsOf<{ anonymous_id: string }>(person, "devices")) devices.push(row.anonymous_id);
    // Every device the person used, not only the latest ones the profile shows.
    await write(JSON.stringify({ ...profile?.identifiers, anonymous_ids: devices, absorbed_profile_ids: head.absorbed }));
    await write(`,"events":[`);
    const consent: { consent: unknown; at: string }[] = [];
    let first = true;
    for await (const row of rowsOf<EventRow>(person, "events")) {
      const event = JSON.parse(row.body) as TrackedEvent;
      if (event.type === "consent") consent.push({ consent: event.consent, at: iso(event.ts) });
      await write(`${first ? "" : ","}${JSON.stringify({ ...event, ts: iso(event.ts), received_at: iso(row.received_at) })}`);
      first = false;
    }
    await write(
      `],${JSON.stringify({
        event_summary: head.summary,
        orders: head.orders.map((order) => ({ ...order, at: iso(order.at) })),
        merges: head.audit.map((entry) => ({ ...entry, at: iso(entry.at) })),
        consent_history: consent,
        campaign_history: head.state?.campaigns ?? {},
        messages: head.state ? messageHistory(head.state) : [],
        assignments: head.state?.assignments ?? {},
        results: resultsExport(head.state?.results),
      }).slice(1)}`,
    );
    await writer.close();
  };
  produce().catch(async (error: unknown) => {
    console.error("export failed half-way", { error: String(error) });
    await writer.abort(error);
  });
  return readable;
}
