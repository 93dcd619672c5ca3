import { Hono } from "hono";
import type { AppEnv } from "../types";

export const dashboardRoute = new Hono<AppEnv>();
