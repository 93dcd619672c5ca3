import { dispatchDue } from "./dispatcher";

/** The cron trigger (every minute): sends the flow messages that are due, within a bounded run. */
export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  const run = await dispatchDue(env, controller.scheduledTime);
  console.log(`cron ${controller.cron}: ${JSON.stringify(run)}`);
}
