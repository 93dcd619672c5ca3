import { Hono } from "hono";
import { notFound, onError } from "./errors";
import { withDatabase } from "./middleware/database";
import { withObjectCalls } from "./middleware/object-calls";
import { campaignsRoute } from "./routes/campaigns";
import { collect } from "./routes/collect";
import { configRoute } from "./routes/config";
import { decideRoute } from "./routes/decide";
import { dashboardRoute } from "./routes/dashboard";
import { demoRoute } from "./routes/demo";
import { serverEvents } from "./routes/events";
import { flowsRoute } from "./routes/flows";
import { health } from "./routes/health";
import { keysRoute } from "./routes/keys";
import { messagesRoute } from "./routes/messages";
import { profiles } from "./routes/profiles";
import { reportsRoute } from "./routes/reports";
import { settingsRoute } from "./routes/settings";
import { shopsRoute } from "./routes/shops";
import { snippet } from "./routes/snippet";
import type { AppEnv } from "./types";

export const app = new Hono<AppEnv>()
  .route("/", health)
  .route("/nudge.js", snippet)
  .route("/demo", demoRoute)
  .route("/", dashboardRoute)
  .route("/m", messagesRoute)
  .use("/v1/*", withObjectCalls)
  .use("/v1/*", withDatabase)
  .route("/v1/config", configRoute)
  .route("/v1/collect", collect)
  .route("/v1/decide", decideRoute)
  .route("/v1/events", serverEvents)
  .route("/v1/profiles", profiles)
  .route("/v1/settings", settingsRoute)
  .route("/v1/keys", keysRoute)
  .route("/v1/shops", shopsRoute)
  .route("/v1/campaigns", campaignsRoute)
  .route("/v1/flows", flowsRoute)
  .route("/v1/reports", reportsRoute);

app.onError(onError);
app.notFound(notFound);
