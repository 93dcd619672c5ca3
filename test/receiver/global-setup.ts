// Global setup of the `flows` project: starts the local receiver (test/receiver/server.ts) and
// hands its URL to the project's bindings (vitest.config.ts) and tests as `inject("receiverUrl")`;
// stops it at teardown so vitest exits cleanly.
import type { TestProject } from "vitest/node";
import { startReceiver } from "./server";

declare module "vitest" {
  export interface ProvidedContext {
    receiverUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startReceiver();
  project.provide("receiverUrl", receiver.url);
  return () => receiver.close();
}
