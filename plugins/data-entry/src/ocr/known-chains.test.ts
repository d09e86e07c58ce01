import { describe, expect, it } from "vitest";
import { chainMisreadAs } from "./known-chains.js";

describe("a chain's logo read one letter off", () => {
  it.each([
    ["LDL", "Lidl"],
    ["LDI", "Aldi"],
    ["ALD", "Aldi"],
    ["HORNBAGH", "Hornbach"],
    ["Kaufiand", "Kaufland"],
    ["MARKTKAUFF", "Marktkauf"],
    ["Mega lmage", "Mega Image"],
    ["Rosmann", "Rossmann"],
    ["NRMA", "Norma"],
    // The chain's words, then the branch: only the leading words are replaced.
    ["Mark tkaut Lehr", "Marktkauf Lehr"],
    ["Kaufiand Pipera", "Kaufland Pipera"],
  ])("%s is %s", (read, chain) => {
    expect(chainMisreadAs(read)).toBe(chain);
  });

  it.each([
    ["HORNBACH", "read right: kept as printed"],
    ["Lidl", "read right, other case"],
    ["LIDO", "a four-letter name only loses letters: LIDO is not Lidl"],
    ["DEAL", "nor is DEAL Real"],
    ["Bäckerei Müller", "not a chain"],
    ["Aldi GmbH & Co. KG", "more than four words: kept as printed"],
    ["Lidl Paderborn", "the chain read right, then the town: kept"],
    ["Marktkauf Lehr", "read right: kept"],
    ["AL", "too short to tell"],
    ["NRM", "two letters off Norma"],
  ])("%s is left alone (%s)", (read) => {
    expect(chainMisreadAs(read)).toBeUndefined();
  });

  it("answers nothing when the slip fits two chains", () => {
    // RAL is ARAL and REAL each with one letter lost.
    expect(chainMisreadAs("RAL")).toBeUndefined();
  });
});
