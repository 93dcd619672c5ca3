/**
 * The cron trigger. Messaging flows hang their sending off this handler; until they
 * exist it only records that it ran, so a deployment can see its trigger firing.
 */
export async function scheduled(controller: ScheduledController): Promise<void> {
  console.log(`cron ${controller.cron} at ${new Date(controller.scheduledTime).toISOString()}`);
}
