import type { Api } from "./api";
import { ApiFailure } from "./api";

/** What the views need from the shell: the signed-in API, navigation and the error line. */
export interface App {
  api: Api;
  showLists(): void;
  showReport(kind: "campaign" | "flow", id: string, name: string): void;
  showError(message: string): void;
  clearError(): void;
}

/** Runs `work`, showing an API failure (or any other error) as text in the error line. */
export async function guarded(app: App, work: () => Promise<void>): Promise<void> {
  app.clearError();
  try {
    await work();
  } catch (failure) {
    app.showError(failure instanceof ApiFailure ? failure.describe() : String(failure));
  }
}
