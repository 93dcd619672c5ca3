/**
 * Message templates: plain text with `{{ name }}` and `{{ name | fallback text }}` placeholders.
 * Nothing else (no logic, no loops), so a shop's template can never run code or leak other data;
 * filling is plain text, and rendering to HTML escapes afterwards.
 */

export const TEMPLATE_VARIABLES = [
  "first_name",
  "last_name",
  "email",
  "shop_name",
  "code",
  "cart_value",
  "cart_currency",
  "cart_count",
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export const TEMPLATE_MAX_LENGTH = 5000;

/** Braces are not allowed inside a placeholder, so `{{ a {{ b }}` reads as an unclosed `{{` before a placeholder. */
const PLACEHOLDER = /\{\{\s*([^{}|]*?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g;

const isVariable = (name: string): name is TemplateVariable => (TEMPLATE_VARIABLES as readonly string[]).includes(name);

/** Null for a valid template, else what is wrong with it, short enough to show beside the field. */
export function templateProblem(text: string): string | null {
  if (text.length > TEMPLATE_MAX_LENGTH) return `longer than ${TEMPLATE_MAX_LENGTH} characters`;
  for (const [, name = ""] of text.matchAll(PLACEHOLDER)) {
    if (name === "") return "empty placeholder";
    if (!isVariable(name)) return `unknown variable "${name.slice(0, 40)}"`;
  }
  const rest = text.replace(PLACEHOLDER, "");
  const open = rest.indexOf("{{");
  const close = rest.indexOf("}}");
  if (open === -1 && close === -1) return null;
  return close !== -1 && (open === -1 || close < open) ? 'stray "}}"' : 'unclosed "{{"';
}

/** The text with its placeholders replaced; a missing or blank value takes the fallback (or nothing). */
export function fillTemplate(text: string, values: Partial<Record<TemplateVariable, string>>): string {
  return text.replace(PLACEHOLDER, (placeholder, name: string, fallback: string | undefined) => {
    // Only reached for a template that skipped validation: leave what cannot be filled as written.
    if (!isVariable(name)) return placeholder;
    const value = values[name];
    return value !== undefined && value.trim() !== "" ? value : (fallback ?? "");
  });
}
