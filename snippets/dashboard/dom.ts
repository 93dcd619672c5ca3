// The dashboard builds every node with createElement and sets every API string as textContent:
// nothing the API returns is ever parsed as HTML.

export interface Props {
  className?: string;
  testid?: string;
  text?: string;
  attrs?: Record<string, string>;
}

export type Child = Node | string | null | undefined | false;

/** An element with a class, a test id, text and plain attributes; strings among children become text nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, children: Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.testid) node.dataset.testid = props.testid;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  if (props.text !== undefined) node.textContent = props.text;
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

export function button(label: string, onClick: () => void, props: Props = {}): HTMLButtonElement {
  const node = el("button", { ...props, text: label, attrs: { type: "button", ...props.attrs } });
  node.addEventListener("click", onClick);
  return node;
}

/** A table with a header row and body rows of cells (strings become text cells). */
export function table(headers: string[], rows: Child[][], props: Props = {}): HTMLTableElement {
  const head = el("thead", {}, [
    el(
      "tr",
      {},
      headers.map((header) => el("th", { text: header, attrs: { scope: "col" } })),
    ),
  ]);
  const body = el(
    "tbody",
    {},
    rows.map((cells) =>
      el(
        "tr",
        {},
        cells.map((cell) => el("td", {}, [cell])),
      ),
    ),
  );
  return el("table", props, [head, body]);
}

/** One labelled figure of a summary (`data-testid="stat-<key>"`, the value in `.value`). */
export function stat(key: string, label: string, value: string): HTMLElement {
  return el("div", { className: "stat", testid: `stat-${key}` }, [
    el("div", { className: "label", text: label }),
    el("div", { className: "value", text: value }),
  ]);
}
