import { app } from "./app";
import { scheduled } from "./scheduled";

export { ProfileObject } from "../durable-objects/profile-object";

export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Env>;
