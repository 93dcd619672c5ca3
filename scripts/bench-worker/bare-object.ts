import { DurableObject } from "cloudflare:workers";

/** What a bare write answers: small, like the object's answer to a collect. */
export interface BareWriteResult {
  stored: number;
}

/**
 * The floor of a collect in this architecture: an object with SQLite storage that writes one row
 * per request and does nothing else (no validation, no profile, no derived state).
 */
export class BareObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, body TEXT NOT NULL)");
  }

  /** One SQLite insert of the batch's events, as one row. */
  write(id: string, body: string): BareWriteResult {
    this.ctx.storage.sql.exec("INSERT INTO events (id, body) VALUES (?, ?)", id, body);
    return { stored: 1 };
  }
}
