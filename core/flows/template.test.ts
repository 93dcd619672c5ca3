import { describe, expect, it } from "vitest";
import { fillTemplate, TEMPLATE_VARIABLES, templateProblem } from "./template";

describe("template validation", () => {
  it("accepts plain text and every known variable, with or without spaces and fallbacks", () => {
    expect(templateProblem("Hello there")).toBeNull();
    expect(templateProblem(TEMPLATE_VARIABLES.map((name) => `{{${name}}}`).join(" "))).toBeNull();
    expect(templateProblem("Hi {{ first_name | friend }}, your {{cart_count|some}} items at {{  shop_name  }}")).toBeNull();
  });

  it("names an unknown variable", () => {
    expect(templateProblem("Hi {{ nickname }}")).toBe('unknown variable "nickname"');
    expect(templateProblem("Hi {{ First_Name | you }}")).toBe('unknown variable "First_Name"');
  });

  it("refuses an empty placeholder", () => {
    expect(templateProblem("Hi {{ }}")).toBe("empty placeholder");
    expect(templateProblem("Hi {{ | friend }}")).toBe("empty placeholder");
  });

  it("refuses an unclosed opening, also when another placeholder follows it", () => {
    expect(templateProblem("Hi {{ first_name")).toBe('unclosed "{{"');
    expect(templateProblem("Hi {{ first_name {{ last_name }}")).toBe('unclosed "{{"');
  });

  it("refuses a closing without an opening", () => {
    expect(templateProblem("Hi first_name }}")).toBe('stray "}}"');
    expect(templateProblem("}} then {{")).toBe('stray "}}"');
    expect(templateProblem("{{ then }} }}")).toBe('unknown variable "then"');
  });

  it("refuses a template longer than 5,000 characters", () => {
    expect(templateProblem("a".repeat(5000))).toBeNull();
    expect(templateProblem("a".repeat(5001))).toBe("longer than 5000 characters");
  });
});

describe("template filling", () => {
  it("replaces placeholders by their values", () => {
    expect(fillTemplate("Hi {{ first_name }} {{last_name}}!", { first_name: "Ada", last_name: "Lovelace" })).toBe("Hi Ada Lovelace!");
  });

  it("uses the fallback when the value is missing or blank", () => {
    expect(fillTemplate("Hi {{ first_name | friend }}!", {})).toBe("Hi friend!");
    expect(fillTemplate("Hi {{ first_name | dear friend }}!", { first_name: "  " })).toBe("Hi dear friend!");
    expect(fillTemplate("Hi {{ first_name | friend }}!", { first_name: "Ada" })).toBe("Hi Ada!");
  });

  it("leaves nothing for a missing value without a fallback", () => {
    expect(fillTemplate("Hi {{ first_name }}!", {})).toBe("Hi !");
  });

  it("inserts values as plain text, without escaping and without filling placeholders inside them", () => {
    expect(fillTemplate("{{ first_name }}", { first_name: "<b>{{ email }}</b> & co" })).toBe("<b>{{ email }}</b> & co");
  });

  it("leaves an unknown placeholder as written", () => {
    expect(fillTemplate("Hi {{ nickname }}", { first_name: "Ada" })).toBe("Hi {{ nickname }}");
  });
});
