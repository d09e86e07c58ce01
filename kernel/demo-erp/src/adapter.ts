/**
 * The demo ERP as an ERP adapter: the kernel loads this package by name (`ERP_ADAPTER`,
 * its default when Oracle is not configured) and calls `open`, which generates the books
 * when they are missing or stale and serves them read-only through a worker pool.
 */
import type { ErpAdapter } from "@roa2web/plugin-sdk";
import { ensureDemoErp } from "./ensure-demo-erp.js";
import { readDemoErpSettings } from "./settings.js";
import { SqliteErpClient } from "./sqlite-erp.js";

export const demoErpAdapter: ErpAdapter = {
  name: "demo",
  settingsProblems: (context) => readDemoErpSettings(context).problems,
  async open(context) {
    const { settings, problems } = readDemoErpSettings(context);
    if (problems.length > 0) throw new Error(`Invalid demo ERP settings: ${problems.join("; ")}`);
    ensureDemoErp(settings.file, { seed: settings.seed, scale: settings.scale }, context.logger);
    const client = new SqliteErpClient(settings.file);
    return { client, health: () => client.health(), close: () => client.close() };
  },
};
