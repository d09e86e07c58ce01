/**
 * @roa2web/demo-erp — the embedded stand-in for the Oracle books. Its default export is
 * the ERP adapter the kernel loads when no other ERP is configured (ADR 0017); the named
 * exports generate and open demo books directly (tests, benchmarks, the command line).
 */
import { demoErpAdapter } from "./adapter.js";

export default demoErpAdapter;
export { ensureDemoErp } from "./ensure-demo-erp.js";
export {
  type AccountKind,
  type AccountLevel,
  CHART_OF_ACCOUNTS,
  type ChartAccount,
} from "./generator/chart-of-accounts.js";
export {
  DEMO_ERP_BOOKS_VERSION,
  DEMO_ERP_DEFAULTS,
  DEMO_ERP_MIN_MONTHS,
  DEMO_ERP_MIN_SCALE,
  type DemoErpOptions,
  type DemoErpSummary,
  generateDemoErp,
} from "./generator/generate.js";
export {
  createDemoErpSchema,
  DEMO_ERP_SCHEMA_VERSION,
  DEMO_ERP_TABLES,
  type DemoErpTable,
} from "./generator/schema.js";
export { type DemoErpSettings, readDemoErpSettings } from "./settings.js";
export { SqliteErpClient } from "./sqlite-erp.js";
export { demoErpAdapter };
