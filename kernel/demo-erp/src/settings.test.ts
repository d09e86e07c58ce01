import path from "node:path";
import type { ErpAdapterContext, Logger } from "@roa2web/plugin-sdk";
import { describe, expect, it } from "vitest";
import { readDemoErpSettings } from "./settings.js";

const root = path.join(path.sep, "srv", "roa2web");

function context(
  env: Record<string, string>,
  environment: ErpAdapterContext["environment"] = "development",
): ErpAdapterContext {
  return {
    env,
    environment,
    dataDir: path.join(root, "data"),
    resolvePath: (value) => path.resolve(root, value),
    logger: undefined as unknown as Logger,
  };
}

describe("the demo ERP's settings", () => {
  it("defaults to DATA_DIR/demo-erp.db, seed 42, scale 1", () => {
    expect(readDemoErpSettings(context({}))).toEqual({
      settings: { file: path.join(root, "data", "demo-erp.db"), seed: 42, scale: 1 },
      problems: [],
    });
  });

  it("takes ERP_DEMO_FILE from the project root, as the kernel takes its own paths", () => {
    const { settings } = readDemoErpSettings(
      context({ ERP_DEMO_FILE: "books/erp.db", ERP_DEMO_SEED: "-7", ERP_DEMO_SCALE: "64" }),
    );
    expect(settings).toEqual({ file: path.join(root, "books", "erp.db"), seed: -7, scale: 64 });
  });

  it("names every bad variable at once", () => {
    expect(
      readDemoErpSettings(context({ ERP_DEMO_SEED: "4.5", ERP_DEMO_SCALE: "10001" })).problems,
    ).toEqual([
      'ERP_DEMO_SEED must be a whole number (got "4.5")',
      'ERP_DEMO_SCALE must be a whole number from 1 to 10000 (got "10001")',
    ]);
  });

  it("refuses production unless ALLOW_DEMO_ERP_IN_PRODUCTION says yes", () => {
    expect(readDemoErpSettings(context({}, "production")).problems).toEqual([
      expect.stringContaining("The demo ERP is refused in production"),
    ]);
    expect(
      readDemoErpSettings(context({ ALLOW_DEMO_ERP_IN_PRODUCTION: "true" }, "production")).problems,
    ).toEqual([]);
  });
});
