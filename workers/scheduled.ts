import { databaseFailureIn, logDatabaseFailure } from "./db/failures";
import { dispatchDue } from "./dispatcher";

/**
 * The cron trigger (every minute): sends the flow messages that are due, within a bounded run.
 * Without its central database the run does nothing and says so in one line: due people stay
 * due (a lease taken before the failure ends by itself), so the next minute's run sends them.
 */
export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  try {
    const run = await dispatchDue(env, controller.scheduledTime);
    console.log(`cron ${controller.cron}: ${JSON.stringify(run)}`);
  } catch (error) {
    const failure = databaseFailureIn(error);
    if (!failure) throw error;
    logDatabaseFailure(failure);
    console.warn(`cron ${controller.cron}: central database unavailable; due messages wait for the next run`);
  }
}
