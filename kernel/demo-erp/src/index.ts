// The demo ERP's public surface: generate the embedded stand-in for the Oracle books.
export {
  type AccountKind,
  type AccountLevel,
  CHART_OF_ACCOUNTS,
  type ChartAccount,
} from "./chart-of-accounts.js";
export {
  DEMO_ERP_BOOKS_VERSION,
  DEMO_ERP_DEFAULTS,
  DEMO_ERP_MIN_MONTHS,
  DEMO_ERP_MIN_SCALE,
  type DemoErpOptions,
  type DemoErpSummary,
  generateDemoErp,
} from "./generate.js";
export {
  createDemoErpSchema,
  DEMO_ERP_SCHEMA_VERSION,
  DEMO_ERP_TABLES,
  type DemoErpTable,
} from "./schema.js";
