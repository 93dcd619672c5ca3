import { Hono } from "hono";
import type { AppEnv } from "../types";

/** Liveness; touches no storage (the benchmark's baseline). */
export const health = new Hono<AppEnv>().get("/healthz", (c) => c.json({ ok: true }));
