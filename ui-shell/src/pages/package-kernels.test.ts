import { afterEach, describe, expect, it } from "vitest";
import { registerMessages, setLocale } from "../core/i18n.js";
import type { PluginInfo } from "../core/shell-state.js";
import { shellMessages } from "../i18n/shell-messages.js";
import { packageKernelsLabel } from "./package-kernels.js";

registerMessages(shellMessages);
afterEach(() => setLocale("ro"));

const kernel = (
  name: string,
  serving: string | null,
  behind: boolean,
  failure: string | null = null,
) => ({
  kernel: name,
  serving_version: serving,
  behind,
  failure,
});

function shop(kernels: ReturnType<typeof kernel>[]): PluginInfo {
  return {
    name: "shop",
    package: {
      version: "2.0.0",
      signer_key_id: null,
      trusted: false,
      installed_by: "ana",
      installed_at: "2026-12-07T06:00:00Z",
      previous_version: "1.0.0",
      kernels,
      behind: kernels.filter((entry) => entry.behind).map((entry) => entry.kernel),
    },
  } as PluginInfo;
}

describe("which servers serve an installed package (ADR 0033)", () => {
  it("says nothing on a single server", () => {
    expect(packageKernelsLabel(shop([kernel("a:/d", "2.0.0", false)]))).toBeUndefined();
    expect(packageKernelsLabel(shop([]))).toBeUndefined();
  });

  it("says all serve it once every kernel applied the version, in Romanian and English", () => {
    const all = shop([
      kernel("a:/d", "2.0.0", false),
      kernel("b:/d", "2.0.0", false),
      kernel("c:/d", "2.0.0", false),
    ]);
    setLocale("ro");
    expect(packageKernelsLabel(all)).toBe("servit de toate cele 3 servere");
    setLocale("en");
    expect(packageKernelsLabel(all)).toBe("served by all 3 servers");
  });

  it("names the kernels behind, the version they serve and why", () => {
    const one = shop([
      kernel("a:/d", "2.0.0", false),
      kernel("b:/d", "1.0.0", true, "signed by key 218f, which this server does not trust"),
    ]);
    setLocale("ro");
    expect(packageKernelsLabel(one)).toBe(
      "încă neaplicat pe 1 din 2 servere: b:/d (1.0.0: signed by key 218f, which this server does not trust)",
    );
    setLocale("en");
    expect(
      packageKernelsLabel(shop([kernel("a:/d", "2.0.0", false), kernel("b:/d", null, true)])),
    ).toBe("not yet on 1 of 2 servers: b:/d (—)");
  });
});
