import { describe, expect, it } from "vitest";
import { multiLineText, singleLineText } from "./text.js";

/** What Ajv does with a string schema (its default `unicodeRegExp`: the u flag). */
function validator(schema: { pattern: string; minLength?: number; maxLength: number }) {
  const pattern = new RegExp(schema.pattern, "u");
  return (value: string) =>
    value.length >= (schema.minLength ?? 0) &&
    value.length <= schema.maxLength &&
    pattern.test(value);
}
const single = validator(singleLineText({ minLength: 1, maxLength: 50 }));
const multi = validator(multiLineText({ maxLength: 200 }));

const REFUSED_EVERYWHERE: Array<[string, string]> = [
  ["NUL", "\u0000"],
  ["a C0 control", "\u0007"],
  ["escape", "\u001b[31m"],
  ["DEL", "\u007f"],
  ["a C1 control (NEL)", "\u0085"],
  ["a C1 control (CSI)", "\u009b"],
  ["right-to-left override", "\u202e"],
  ["left-to-right embedding", "\u202a"],
  ["first strong isolate", "\u2068"],
  ["pop directional isolate", "\u2069"],
  ["left-to-right mark", "\u200e"],
  ["right-to-left mark", "\u200f"],
  ["a lone high surrogate", "\ud800"],
  ["a lone low surrogate", "\udc00"],
];

describe("text schemas", () => {
  it("accept what people type, in any script, emoji included", () => {
    for (const value of [
      "OMV Petrom",
      "Băcănia „La Ion” — 10%",
      "Müller & Söhne",
      "株式会社",
      "😀 ok",
    ]) {
      expect(single(value), value).toBe(true);
      expect(multi(value), value).toBe(true);
    }
  });

  it.each(REFUSED_EVERYWHERE)("refuse %s in any text", (_label, character) => {
    expect(single(`a${character}b`)).toBe(false);
    expect(multi(`a${character}b`)).toBe(false);
  });

  it("keep line breaks and tabs in multi-line text only", () => {
    for (const value of ["line 1\nline 2", "a\tb", "windows\r\nline"]) {
      expect(single(value), JSON.stringify(value)).toBe(false);
      expect(multi(value), JSON.stringify(value)).toBe(true);
    }
  });

  it("keep the length limits", () => {
    expect(single("")).toBe(false);
    expect(single("x".repeat(51))).toBe(false);
    expect(multi("x".repeat(201))).toBe(false);
  });
});
