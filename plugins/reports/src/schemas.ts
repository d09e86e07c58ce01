/**
 * JSON schemas of the report routes: Fastify validates the query and serialises the
 * answer with them, and the kernel's OpenAPI document (/api/docs) shows them.
 */
import { errorResponses, pageSchema } from "@roa2web/plugin-sdk";
import type {
  AgingReport,
  DashboardReport,
  InvoiceItem,
  InvoiceList,
  MonthFigures,
  OpenAmounts,
  ReportPeriodView,
  TreasuryAccountView,
  TreasuryFigures,
  TreasuryMovement,
  TreasuryReport,
  TrialBalanceLine,
  TrialBalanceReport,
  TrialBalanceTotals,
} from "@roa2web/reports-contract";
import { AGING_BUCKETS } from "./aging.js";
import { REPORT_NAMES } from "./cache-policy.js";
import { MAX_PAGE_SIZE } from "./pagination.js";
import { INVOICE_SORT_COLUMNS } from "./queries/invoices.js";

/** Every report route may answer these (bad query, no token, no grant, unknown company). */
const reportErrors = errorResponses(400, 401, 403, 404);

/**
 * The `properties` of an answer's object, checked against its type in the contract
 * package: every field of `T` and no other. The serialiser drops what a response schema
 * does not list, so a field added to the contract but not here would silently vanish
 * from the answers; this makes it a compile error instead.
 */
function propertiesOf<T>() {
  return <P extends Record<keyof T, unknown>>(
    properties: P & Record<Exclude<keyof P, keyof T>, never>,
  ): P => properties;
}

const amount = { type: "number" } as const;
const date = { type: "string", description: "YYYY-MM-DD" } as const;

/** Company and period: every report takes them. Rules beyond types are checked in code, with clearer messages. */
const periodProperties = {
  company: { type: "integer", minimum: 1, description: "Company id" },
  period: { type: "string", maxLength: 7, description: "A month, YYYY-MM (or give from and to)" },
  from: { type: "string", maxLength: 10, description: "First day, YYYY-MM-DD" },
  to: { type: "string", maxLength: 10, description: "Last day, YYYY-MM-DD" },
} as const;

const pageProperties = {
  page: { type: "integer", description: "1-based page" },
  page_size: { type: "integer", description: `Rows per page, 1–${MAX_PAGE_SIZE} (default 50)` },
} as const;

/**
 * `format` on a report's own URL: JSON by default, or the same report as a file (the
 * `/export` URL's answer, with its permission). Exports list only the file formats.
 */
const reportFormat = {
  type: "string",
  enum: ["json", "xlsx", "pdf"],
  description: "json (default), or xlsx / pdf for the report as a file (needs reports:export)",
} as const;

function querystring(properties: Record<string, unknown>) {
  return {
    type: "object",
    required: ["company"],
    additionalProperties: false,
    properties: { ...periodProperties, ...properties, format: reportFormat },
  } as const;
}

const periodView = {
  type: "object",
  required: ["from", "to", "label", "as_of", "closed"],
  properties: propertiesOf<ReportPeriodView>()({
    from: date,
    to: date,
    label: { type: "string" },
    as_of: {
      ...date,
      description: "Where overdue and balances are measured: to, or today if earlier",
    },
    closed: { type: "boolean", description: "Every month of the period is closed" },
  }),
} as const;

const openAmounts = {
  type: "object",
  required: ["total", "overdue"],
  properties: propertiesOf<OpenAmounts>()({ total: amount, overdue: amount }),
} as const;

const invoiceType = { type: "string", enum: ["client", "supplier"] } as const;

export const dashboardSchema = {
  tags: ["reports"],
  summary: "Revenue, expenses, result, cash, bank, receivables and payables, and 12 months",
  querystring: querystring({}),
  response: {
    200: {
      type: "object",
      required: ["company_id", "period", "revenue", "expenses", "result", "cash", "bank"],
      properties: propertiesOf<DashboardReport>()({
        company_id: { type: "integer" },
        period: periodView,
        revenue: amount,
        expenses: amount,
        result: amount,
        cash: amount,
        bank: amount,
        receivables: openAmounts,
        payables: openAmounts,
        series: {
          type: "array",
          items: {
            type: "object",
            properties: propertiesOf<MonthFigures>()({
              month: { type: "string" },
              revenue: amount,
              expenses: amount,
              result: amount,
            }),
          },
        },
      }),
    },
    ...reportErrors,
  },
};

const invoicePage = pageSchema({
  type: "object",
  properties: propertiesOf<InvoiceItem>()({
    id: { type: "integer" },
    number: { type: "string" },
    partner_id: { type: "integer" },
    partner_name: { type: "string" },
    issue_date: date,
    due_date: date,
    total_amount: amount,
    paid_amount: amount,
    outstanding: amount,
    status: { type: "string", enum: ["paid", "partly_paid", "unpaid"] },
    overdue: { type: "boolean" },
    days_overdue: { type: "integer" },
  }),
});

export const invoicesSchema = {
  tags: ["reports"],
  summary: "Client or supplier invoices: filter, sort, page",
  querystring: querystring({
    type: { ...invoiceType, description: "client or supplier" },
    status: { type: "string", enum: ["paid", "unpaid", "overdue"] },
    partner: { type: "integer", minimum: 1 },
    issued_from: { type: "string", maxLength: 10 },
    issued_to: { type: "string", maxLength: 10 },
    due_from: { type: "string", maxLength: 10 },
    due_to: { type: "string", maxLength: 10 },
    sort: { type: "string", enum: Object.keys(INVOICE_SORT_COLUMNS) },
    direction: { type: "string", enum: ["asc", "desc"] },
    ...pageProperties,
  }),
  response: {
    200: {
      type: "object",
      required: ["company_id", "period", "type", ...invoicePage.required],
      properties: propertiesOf<InvoiceList>()({
        company_id: { type: "integer" },
        period: periodView,
        type: { type: "string" },
        ...invoicePage.properties,
        totals: {
          type: "object",
          properties: propertiesOf<InvoiceList["totals"]>()({
            total_amount: amount,
            paid_amount: amount,
            outstanding: amount,
          }),
        },
      }),
    },
    ...reportErrors,
  },
};

export const agingSchema = {
  tags: ["reports"],
  summary: "Outstanding invoices by days past due",
  querystring: querystring({
    type: invoiceType,
    partner: { type: "integer", minimum: 1 },
  }),
  response: {
    200: {
      type: "object",
      required: ["company_id", "period", "type", "total", "buckets"],
      properties: propertiesOf<AgingReport>()({
        company_id: { type: "integer" },
        period: periodView,
        type: { type: "string" },
        total: amount,
        overdue: amount,
        invoices: { type: "integer" },
        buckets: {
          type: "array",
          items: {
            type: "object",
            properties: propertiesOf<AgingReport["buckets"][number]>()({
              key: { type: "string", enum: AGING_BUCKETS.map((bucket) => bucket.key) },
              label: { type: "string" },
              amount,
              invoices: { type: "integer" },
            }),
          },
        },
      }),
    },
    ...reportErrors,
  },
};

const treasuryFigures = {
  type: "object",
  properties: propertiesOf<TreasuryFigures>()({
    opening: amount,
    receipts: amount,
    payments: amount,
    closing: amount,
  }),
} as const;

/** One page of the period's movements (the report's `movements`). */
const movementPage = pageSchema({
  type: "object",
  properties: propertiesOf<TreasuryMovement>()({
    id: { type: "integer" },
    account_code: { type: "string" },
    date,
    document_type: { type: "string" },
    document_number: { type: "string" },
    description: { type: "string" },
    partner_id: { type: "integer", nullable: true },
    receipt: amount,
    payment: amount,
  }),
});

export const treasurySchema = {
  tags: ["reports"],
  summary: "Opening and closing balance per cash register and bank account, and the movements",
  querystring: querystring({
    account: { type: "string", maxLength: 40, description: "One treasury account: 5311, 5121.01" },
    ...pageProperties,
  }),
  response: {
    200: {
      type: "object",
      required: ["company_id", "period", "accounts", "totals", "movements"],
      properties: propertiesOf<TreasuryReport>()({
        company_id: { type: "integer" },
        period: periodView,
        accounts: {
          type: "array",
          items: {
            type: "object",
            properties: propertiesOf<TreasuryAccountView>()({
              code: { type: "string" },
              name: { type: "string" },
              kind: { type: "string", enum: ["cash", "bank"] },
              ...treasuryFigures.properties,
            }),
          },
        },
        totals: {
          type: "object",
          properties: propertiesOf<TreasuryReport["totals"]>()({
            cash: treasuryFigures,
            bank: treasuryFigures,
          }),
        },
        movements: movementPage,
      }),
    },
    ...reportErrors,
  },
};

const trialBalanceColumns = propertiesOf<TrialBalanceTotals>()({
  opening_debit: amount,
  opening_credit: amount,
  period_debit: amount,
  period_credit: amount,
  total_debit: amount,
  total_credit: amount,
  closing_debit: amount,
  closing_credit: amount,
});

export const trialBalanceSchema = {
  tags: ["reports"],
  summary:
    "Trial balance (balanța de verificare): opening, period turnover, total sums (opening + turnover) and closing per account",
  querystring: querystring({
    level: { type: "string", enum: ["analytic", "synthetic"] },
    account_class: { type: "integer", minimum: 1, maximum: 9 },
  }),
  response: {
    200: {
      type: "object",
      required: ["company_id", "period", "level", "lines", "totals"],
      properties: propertiesOf<TrialBalanceReport>()({
        company_id: { type: "integer" },
        period: periodView,
        level: { type: "string" },
        account_class: { type: "integer", nullable: true },
        lines: {
          type: "array",
          items: {
            type: "object",
            properties: propertiesOf<TrialBalanceLine>()({
              account: { type: "string" },
              name: { type: "string", nullable: true },
              account_class: { type: "integer" },
              ...trialBalanceColumns,
            }),
          },
        },
        totals: { type: "object", properties: trialBalanceColumns },
      }),
    },
    ...reportErrors,
  },
};

const levelStats = {
  type: "object",
  additionalProperties: true,
  properties: { hits: { type: "integer" }, misses: { type: "integer" }, size: { type: "integer" } },
} as const;

export const cacheStatsSchema = {
  tags: ["reports"],
  summary: "The cache's statistics and this plugin's TTLs",
  response: {
    200: {
      type: "object",
      properties: {
        l1: levelStats,
        l2: levelStats,
        sets: { type: "integer" },
        deletes: { type: "integer" },
        ttl_ms: {
          type: "object",
          properties: { closed: { type: "integer" }, open: { type: "integer" } },
        },
      },
    },
    ...reportErrors,
  },
};

export const cacheInvalidateSchema = {
  tags: ["reports"],
  summary: "Drop cached reports, by report and/or company (all of them when neither is given)",
  body: {
    type: "object",
    additionalProperties: false,
    properties: {
      report: { type: "string", enum: [...REPORT_NAMES] },
      company: { type: "integer", minimum: 1 },
    },
  },
  response: {
    200: {
      type: "object",
      required: ["removed"],
      properties: { removed: { type: "integer", description: "Cached answers removed" } },
    },
    ...reportErrors,
  },
};

/**
 * An export takes its report's query (validated by the same rules) plus `format`, and
 * answers a file; errors are the same JSON as the report's, sent before any byte.
 */
function exportSchema(
  report: { querystring: { required: readonly string[]; properties: object } },
  summary: string,
) {
  return {
    tags: ["reports"],
    summary,
    produces: [
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/pdf",
    ],
    querystring: {
      ...report.querystring,
      required: [...report.querystring.required, "format"],
      properties: {
        ...report.querystring.properties,
        format: {
          type: "string",
          enum: ["xlsx", "pdf"],
          description: "xlsx (Excel) or pdf (A4 landscape)",
        },
      },
    },
    response: {
      200: { description: "The file, streamed", type: "string", format: "binary" },
      ...reportErrors,
    },
  };
}

export const dashboardExportSchema = exportSchema(
  dashboardSchema,
  "The dashboard's figures and its 12-month series as an Excel or PDF file",
);
export const invoicesExportSchema = exportSchema(
  invoicesSchema,
  "Every matching invoice as an Excel or PDF file (page and page_size are ignored)",
);
export const agingExportSchema = exportSchema(
  agingSchema,
  "Outstanding invoices per partner by days past due, as an Excel or PDF file",
);
export const treasuryExportSchema = exportSchema(
  treasurySchema,
  "Every treasury movement of the period as an Excel or PDF file (page and page_size are ignored)",
);
export const trialBalanceExportSchema = exportSchema(
  trialBalanceSchema,
  "The trial balance as an Excel or PDF file",
);
