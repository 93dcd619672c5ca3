// The dashboard (/dashboard): sign in with a secret key, list and switch campaigns and flows,
// read their results. The key lives in this tab's sessionStorage only (never in a URL or cookie).
import { Api } from "./api";
import type { App } from "./app";
import { button, el } from "./dom";
import { listsView } from "./lists";
import { reportView } from "./report";
import { signInView } from "./signin";

const KEY_STORAGE = "nudge.dashboard.key";

function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

function storeKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage refused (private mode): the key then lives in memory until the page is left.
  }
}

function showSignIn(root: HTMLElement): void {
  root.replaceChildren(
    signInView((key, api) => {
      storeKey(key);
      showApp(root, api);
    }),
  );
}

/** The signed-in shell: a header with sign-out, an error line and one view at a time. */
function showApp(root: HTMLElement, api: Api): void {
  const error = el("p", { className: "error", testid: "error", attrs: { role: "alert" } });
  const view = el("main", { testid: "view" });
  const signOut = button(
    "Sign out",
    () => {
      storeKey(null);
      showSignIn(root);
    },
    { testid: "sign-out" },
  );
  const app: App = {
    api,
    showLists: () => view.replaceChildren(listsView(app)),
    showReport: (kind, id, name) => view.replaceChildren(reportView(app, kind, id, name)),
    showError: (message) => {
      error.textContent = message;
    },
    clearError: () => {
      error.textContent = "";
    },
  };
  root.replaceChildren(el("header", {}, [el("h1", { text: "Nudge" }), signOut]), error, view);
  app.showLists();
}

function start(): void {
  const root = document.getElementById("app");
  if (!root) return;
  const key = storedKey();
  if (key) showApp(root, new Api(key));
  else showSignIn(root);
}

start();
