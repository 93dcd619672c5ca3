import { Hono } from "hono";
import type { AppEnv } from "../types";

export const reportsRoute = new Hono<AppEnv>();
