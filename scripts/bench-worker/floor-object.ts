import { DurableObject } from "cloudflare:workers";
import type { IngestRequest, IngestResult } from "../../durable-objects/profile-rpc";

/**
 * The floor of Nudge's own collect route: a person's object that takes the batch and answers at
 * once, as if every event were stored, doing none of the object's work (no de-duplication, no
 * state, no SQLite). What collect reaches against it is the most any object-side work could leave.
 */
export class FloorProfileObject extends DurableObject<Env> {
  async ingest(request: IngestRequest): Promise<IngestResult> {
    return {
      ok: true,
      profileId: this.ctx.id.toString(),
      stored: request.events.length,
      duplicates: 0,
      withoutConsent: 0,
      tasks: [],
      decisions: [],
      candidates: [],
      interactions: [],
      counts: [],
    };
  }
}
