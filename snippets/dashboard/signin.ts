import { Api, ApiFailure } from "./api";
import { el } from "./dom";

/**
 * The sign-in form. The key is checked by listing the shop's campaigns; only a key that works is
 * kept (by main.ts, in sessionStorage). The form posts nowhere: the key never reaches a URL.
 */
export function signInView(onSignedIn: (key: string, api: Api) => void): HTMLElement {
  const input = el("input", {
    attrs: { id: "secret-key", name: "secret-key", type: "password", autocomplete: "off", required: "", placeholder: "sk_…" },
  });
  const error = el("p", { className: "error", testid: "error", attrs: { role: "alert" } });
  const submit = el("button", { text: "Sign in", attrs: { type: "submit" } });
  const form = el("form", { className: "signin", testid: "signin", attrs: { action: "#", method: "post" } }, [
    el("h1", { text: "Nudge dashboard" }),
    el("label", { text: "Secret key", attrs: { for: "secret-key" } }),
    input,
    submit,
    error,
  ]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    submit.disabled = true;
    error.textContent = "";
    const api = new Api(key);
    try {
      await api.campaigns();
      input.value = "";
      onSignedIn(key, api);
    } catch (failure) {
      error.textContent = failure instanceof ApiFailure ? failure.describe() : String(failure);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
