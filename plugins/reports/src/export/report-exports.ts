/**
 * The reports as files (xlsx or PDF): the same checks as the JSON reports (400, 403,
 * 404, all before the first byte), then every matching row streamed from the ERP
 * into the file at the reader's pace. Exports bypass the cache: a file of 100,000
 * rows is not worth keeping, and the totals row comes from the same SQL as the JSON
 * report's totals, so the two agree.
 */
import type { Readable } from "node:stream";
import type { ErpClient } from "@roa2web/plugin-sdk";
import type {
  AgingParams,
  InvoiceParams,
  PeriodParams,
  TreasuryParams,
  TrialBalanceParams,
} from "@roa2web/reports-contract";
import {
  AGING_BUCKETS,
  type AgingBucketKey,
  agingBucket,
  daysOverdue,
  fromBani,
  toBani,
} from "../aging.js";
import { pageRequest } from "../pagination.js";
import type { ReportCaller, ResolvedReport } from "../period-resolver.js";
import {
  invoiceRows,
  invoiceSummary,
  type OpenByPartner,
  openInvoicesByPartner,
} from "../queries/invoices.js";
import { toTreasuryMovement, treasuryAccounts, treasuryMovementRows } from "../queries/treasury.js";
import { accountNames, accountTurnoverRows } from "../queries/trial-balance.js";
import type { ReportCache } from "../report-cache.js";
import { checkInvoiceType } from "../reports/aging.js";
import { dashboardReport } from "../reports/dashboard.js";
import { invoiceFilters, invoiceQuery, toInvoiceItem } from "../reports/invoices.js";
import { trialBalanceFilters } from "../reports/trial-balance.js";
import { treasuryDocumentName } from "../treasury-documents.js";
import { TRIAL_BALANCE_COLUMNS, TrialBalanceFolder } from "../trial-balance-rules.js";
import { createPdfWriter, type PdfFonts } from "./pdf-writer.js";
import { cellsOf, type ExportOutcome, primeRows } from "./pump.js";
import {
  type Cell,
  CONTENT_TYPES,
  type Column,
  displayAmount,
  displayDate,
  type TableDocument,
  type TableFormat,
  type TableWriter,
} from "./table.js";
import { createXlsxWriter } from "./xlsx-writer.js";

export type ExportParams<T> = T & { format: TableFormat };

/** A file under way: send `output` with these headers; `finished` says how it ended. */
export interface StartedExport {
  /** The file's name in ASCII (`filename=`), and with its diacritics (`filename*=`). */
  filename: ExportName;
  contentType: string;
  output: Readable;
  finished: Promise<ExportOutcome>;
}

export interface ReportExportsOptions {
  erp: ErpClient;
  reports: ReportCache;
  fonts: PdfFonts;
  /** The "generated at" clock; replaceable in tests. */
  now?: () => Date;
}

const STATUS_LABELS = { paid: "Achitată", partly_paid: "Parțial achitată", unpaid: "Neachitată" };
const STATUS_FILTER_LABELS = { paid: "achitate", unpaid: "neachitate", overdue: "restante" };
const AGING_LABELS: Record<AgingBucketKey, string> = {
  not_due: "Nescadent",
  "1_30": "1–30 zile",
  "31_60": "31–60 zile",
  "61_90": "61–90 zile",
  over_90: "Peste 90 zile",
};

export class ReportExports {
  readonly #erp: ErpClient;
  readonly #reports: ReportCache;
  readonly #fonts: PdfFonts;
  readonly #now: () => Date;

  constructor(options: ReportExportsOptions) {
    this.#erp = options.erp;
    this.#reports = options.reports;
    this.#fonts = options.fonts;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * The dashboard: the period's figures under the title, and the 12-month series as the
   * table (month, revenue, expenses, result) with the series' totals. Read through the
   * cache like the JSON dashboard, so the file and the page show the same numbers.
   */
  async dashboard(
    params: ExportParams<PeriodParams>,
    caller: ReportCaller,
  ): Promise<StartedExport> {
    const resolved = await this.#reports.resolve(params, caller);
    const { report } = await this.#reports.serve(dashboardReport, params, caller);
    const columns: Column[] = [
      { header: "Luna", kind: "text", width: 12 },
      { header: "Venituri", kind: "amount", width: 18 },
      { header: "Cheltuieli", kind: "amount", width: 18 },
      { header: "Rezultat", kind: "amount", width: 18 },
    ];
    const document = this.#document(
      "Tablou de bord",
      resolved,
      columns,
      [],
      ["Sume în RON. Evoluția pe ultimele 12 luni, sub cifrele perioadei."],
      [
        { label: "Venituri", amount: report.revenue },
        { label: "Cheltuieli", amount: report.expenses },
        { label: "Rezultat", amount: report.result },
        { label: "Casa", amount: report.cash },
        { label: "Bancă", amount: report.bank },
        { label: "Creanțe", amount: report.receivables.total },
        { label: "  din care restante", amount: report.receivables.overdue },
        { label: "Datorii", amount: report.payables.total },
        { label: "  din care restante", amount: report.payables.overdue },
      ],
    );
    // Summed in bani: 12 amounts in floating point would drift by a ban.
    const sums = { revenue: 0, expenses: 0, result: 0 };
    async function* months(): AsyncIterable<readonly Cell[]> {
      for (const month of report.series) {
        sums.revenue += toBani(month.revenue);
        sums.expenses += toBani(month.expenses);
        sums.result += toBani(month.result);
        yield [month.month, month.revenue, month.expenses, month.result];
      }
    }
    return this.#start(params.format, document, ["tablou de bord", resolved], months(), () => [
      "Total 12 luni",
      fromBani(sums.revenue),
      fromBani(sums.expenses),
      fromBani(sums.result),
    ]);
  }

  /** Every invoice the JSON list would page through, in its order, with a totals row. */
  async invoices(
    params: ExportParams<InvoiceParams>,
    caller: ReportCaller,
  ): Promise<StartedExport> {
    const checked = invoiceFilters(params);
    const { order, issuedFrom, issuedTo, dueFrom, dueTo } = checked;
    const resolved = await this.#reports.resolve(params, caller);
    const { view } = resolved;
    const query = invoiceQuery(params, checked, resolved);
    const summary = await invoiceSummary(this.#erp, query);
    const columns: Column[] = [
      { header: "Nr. factură", kind: "text", width: 16 },
      { header: "Partener", kind: "text", width: 36 },
      { header: "Data emiterii", kind: "date", width: 12 },
      { header: "Scadența", kind: "date", width: 12 },
      { header: "Total", kind: "amount", width: 14 },
      { header: "Achitat", kind: "amount", width: 14 },
      { header: "Rest de plată", kind: "amount", width: 14 },
      { header: "Stare", kind: "text", width: 15 },
      { header: "Zile întârziere", kind: "integer", width: 13 },
    ];
    const filters = [
      params.status && `stare: ${STATUS_FILTER_LABELS[params.status]}`,
      params.partner !== undefined && `partener: ${params.partner}`,
      issuedFrom && `emise din ${displayDate(issuedFrom)}`,
      issuedTo && `emise până la ${displayDate(issuedTo)}`,
      dueFrom && `scadente din ${displayDate(dueFrom)}`,
      dueTo && `scadente până la ${displayDate(dueTo)}`,
    ].filter((part): part is string => typeof part === "string");
    const document = this.#document(
      params.type === "client" ? "Facturi clienți" : "Facturi furnizori",
      resolved,
      columns,
      filters,
    );
    const rows = cellsOf(invoiceRows(this.#erp, { ...query, orderBy: order.sql }), (row) => {
      const item = toInvoiceItem(row, view.as_of);
      return [
        item.number,
        item.partner_name,
        item.issue_date,
        item.due_date,
        item.total_amount,
        item.paid_amount,
        item.outstanding,
        STATUS_LABELS[item.status],
        item.days_overdue,
      ];
    });
    const { totals } = summary;
    return this.#start(
      params.format,
      document,
      [
        params.type === "client" ? "facturi clienți" : "facturi furnizori",
        resolved,
        params.status && STATUS_FILTER_LABELS[params.status],
        params.partner !== undefined && `partener ${params.partner}`,
        issuedFrom && `emise din ${issuedFrom}`,
        issuedTo && `emise până la ${issuedTo}`,
        dueFrom && `scadente din ${dueFrom}`,
        dueTo && `scadente până la ${dueTo}`,
      ],
      rows,
      () => [
        `Total (${summary.total} facturi)`,
        null,
        null,
        null,
        totals.total_amount,
        totals.paid_amount,
        totals.outstanding,
        null,
        null,
      ],
    );
  }

  /** The aging per partner: one line per partner with its open amount in each bucket. */
  async aging(params: ExportParams<AgingParams>, caller: ReportCaller): Promise<StartedExport> {
    checkInvoiceType(params.type);
    const resolved = await this.#reports.resolve(params, caller);
    const asOf = resolved.view.as_of;
    const columns: Column[] = [
      { header: "Partener", kind: "text", width: 40 },
      ...AGING_BUCKETS.map(
        (bucket): Column => ({
          header: AGING_LABELS[bucket.key],
          kind: "amount",
          width: 14,
        }),
      ),
      { header: "Total", kind: "amount", width: 14 },
      { header: "Facturi", kind: "integer", width: 9 },
    ];
    const document = this.#document(
      params.type === "client"
        ? "Vechimea creanțelor (clienți)"
        : "Vechimea datoriilor (furnizori)",
      resolved,
      columns,
      params.partner !== undefined ? [`partener: ${params.partner}`] : [],
    );
    // Sums in whole bani, as the JSON aging, so the totals row equals its `total`.
    const bucketIndex = new Map(AGING_BUCKETS.map((bucket, index) => [bucket.key, index]));
    const grand = new Array<number>(AGING_BUCKETS.length + 2).fill(0);
    let partner: { id: number; name: string; bani: number[]; invoices: number } | undefined;
    const close = (): Cell[] | undefined => {
      if (!partner) return undefined;
      const total = partner.bani.reduce((sum, value) => sum + value, 0);
      partner.bani.forEach((value, index) => {
        grand[index] = (grand[index] ?? 0) + value;
      });
      grand[AGING_BUCKETS.length] = (grand[AGING_BUCKETS.length] ?? 0) + total;
      grand[AGING_BUCKETS.length + 1] = (grand[AGING_BUCKETS.length + 1] ?? 0) + partner.invoices;
      const cells = [
        partner.name,
        ...partner.bani.map(fromBani),
        fromBani(total),
        partner.invoices,
      ];
      partner = undefined;
      return cells;
    };
    const source = openInvoicesByPartner(this.#erp, {
      company: params.company,
      kind: params.type,
      asOfUntil: resolved.asOfUntil,
      partner: params.partner,
    });
    const rows = cellsOf(
      source,
      (row: OpenByPartner) => {
        const id = Number(row.partner_id);
        const closed = partner && partner.id !== id ? close() : undefined;
        if (!partner) {
          partner = {
            id,
            name: String(row.partner_name),
            bani: new Array<number>(AGING_BUCKETS.length).fill(0),
            invoices: 0,
          };
        }
        const bucket = bucketIndex.get(agingBucket(daysOverdue(String(row.due_date), asOf))) ?? 0;
        partner.bani[bucket] = (partner.bani[bucket] ?? 0) + toBani(Number(row.outstanding));
        partner.invoices += Number(row.invoices);
        return closed;
      },
      close,
    );
    return this.#start(
      params.format,
      document,
      [
        params.type === "client" ? "vechime clienți" : "vechime furnizori",
        resolved,
        params.partner !== undefined && `partener ${params.partner}`,
      ],
      rows,
      () => [
        "Total",
        ...grand.slice(0, AGING_BUCKETS.length + 1).map(fromBani),
        grand[AGING_BUCKETS.length + 1] ?? 0,
      ],
    );
  }

  /** Every treasury movement of the period, with the accounts' balances in the title. */
  async treasury(
    params: ExportParams<TreasuryParams>,
    caller: ReportCaller,
  ): Promise<StartedExport> {
    // Pages are checked as in the JSON report (same query string), but an export has every row.
    pageRequest(params.page, params.page_size);
    const resolved = await this.#reports.resolve(params, caller);
    const range = {
      company: params.company,
      dateFrom: resolved.period.from,
      dateUntil: resolved.period.until,
      account: params.account,
    };
    const accounts = await treasuryAccounts(this.#erp, range);
    const sum = (pick: (account: (typeof accounts)[number]) => number) =>
      accounts.reduce((total, account) => total + toBani(pick(account)), 0);
    const opening = sum((account) => account.opening);
    const receipts = sum((account) => account.receipts);
    const payments = sum((account) => account.payments);
    const columns: Column[] = [
      { header: "Data", kind: "date", width: 12 },
      { header: "Cont", kind: "text", width: 10 },
      { header: "Document", kind: "text", width: 22 },
      { header: "Explicație", kind: "text", width: 48 },
      { header: "Încasări", kind: "amount", width: 14 },
      { header: "Plăți", kind: "amount", width: 14 },
    ];
    const document = this.#document(
      "Registru de casă și bancă",
      resolved,
      columns,
      params.account !== undefined ? [`cont: ${params.account}`] : [],
      [
        `Sold inițial ${displayAmount(fromBani(opening))} · încasări ${displayAmount(fromBani(receipts))} · plăți ${displayAmount(fromBani(payments))} · sold final ${displayAmount(fromBani(opening + receipts - payments))}`,
      ],
    );
    let receiptBani = 0;
    let paymentBani = 0;
    const rows = cellsOf(treasuryMovementRows(this.#erp, range), (raw) => {
      const movement = toTreasuryMovement(raw);
      receiptBani += toBani(movement.receipt);
      paymentBani += toBani(movement.payment);
      return [
        movement.date,
        movement.account_code,
        `${treasuryDocumentName(movement.document_type, "ro")} ${movement.document_number}`,
        movement.description,
        movement.receipt,
        movement.payment,
      ];
    });
    return this.#start(
      params.format,
      document,
      ["trezorerie", resolved, params.account !== undefined && `cont ${params.account}`],
      rows,
      () => ["Total", null, null, null, fromBani(receiptBani), fromBani(paymentBani)],
    );
  }

  /** The trial balance, rolled up as the turnovers stream past in account order. */
  async trialBalance(
    params: ExportParams<TrialBalanceParams>,
    caller: ReportCaller,
  ): Promise<StartedExport> {
    const { level, accountClass } = trialBalanceFilters(params);
    const resolved = await this.#reports.resolve(params, caller);
    const names = await accountNames(this.#erp, { company: params.company });
    const folder = new TrialBalanceFolder({ level, accountClass, names });
    const columns: Column[] = [
      { header: "Cont", kind: "text", width: 11 },
      { header: "Denumire", kind: "text", width: 30 },
      // The usual balanță: each pair debit (D) then credit (C).
      { header: "Sold inițial D", kind: "amount", width: 15 },
      { header: "Sold inițial C", kind: "amount", width: 15 },
      { header: "Rulaj D", kind: "amount", width: 15 },
      { header: "Rulaj C", kind: "amount", width: 15 },
      { header: "Total sume D", kind: "amount", width: 15 },
      { header: "Total sume C", kind: "amount", width: 15 },
      { header: "Sold final D", kind: "amount", width: 15 },
      { header: "Sold final C", kind: "amount", width: 15 },
    ];
    const document = this.#document(
      level === "synthetic" ? "Balanță de verificare sintetică" : "Balanță de verificare",
      resolved,
      columns,
      accountClass !== undefined ? [`clasa ${accountClass}`] : [],
    );
    const toCells = (line: ReturnType<TrialBalanceFolder["finish"]>): Cell[] | undefined =>
      line && [line.account, line.name, ...TRIAL_BALANCE_COLUMNS.map((column) => line[column])];
    const source = accountTurnoverRows(this.#erp, {
      company: params.company,
      dateFrom: resolved.period.from,
      dateUntil: resolved.period.until,
    });
    const rows = cellsOf(
      source,
      (row) =>
        toCells(
          folder.add({
            account: String(row.account),
            before_debit: Number(row.before_debit),
            before_credit: Number(row.before_credit),
            period_debit: Number(row.period_debit),
            period_credit: Number(row.period_credit),
          }),
        ),
      () => toCells(folder.finish()),
    );
    return this.#start(
      params.format,
      document,
      [
        level === "synthetic" ? "balanță sintetică" : "balanță analitică",
        resolved,
        accountClass !== undefined && `clasa ${accountClass}`,
      ],
      rows,
      () => {
        const totals = folder.totals();
        return ["Total", null, ...TRIAL_BALANCE_COLUMNS.map((column) => totals[column])];
      },
    );
  }

  #document(
    title: string,
    resolved: ResolvedReport,
    columns: Column[],
    filters: readonly string[],
    extra: readonly string[] = [],
    figures: TableDocument["figures"] = [],
  ): TableDocument {
    const { company, view } = resolved;
    const generated = this.#now();
    const subtitle = [
      `${company.name} (${company.code})`,
      `Perioada: ${displayDate(view.from)} – ${displayDate(view.to)}${view.as_of < view.to ? ` · situație la ${displayDate(view.as_of)}` : ""}${view.closed ? "" : " · perioadă deschisă"}`,
      ...(filters.length > 0 ? [`Filtre: ${filters.join(", ")}`] : []),
      ...extra,
      `Generat la ${displayDate(generated.toISOString().slice(0, 10))} ${generated.toISOString().slice(11, 16)} UTC`,
    ];
    return { title, subtitle, columns, figures };
  }

  async #start(
    format: TableFormat,
    document: TableDocument,
    nameParts: readonly NamePart[],
    rows: AsyncIterable<readonly Cell[]>,
    totals: () => readonly Cell[] | undefined,
  ): Promise<StartedExport> {
    const primed = await primeRows(rows);
    const generatedAt = this.#now();
    let writer: TableWriter;
    try {
      writer =
        format === "xlsx"
          ? createXlsxWriter(document, { sheetName: document.title, generatedAt })
          : createPdfWriter(document, { fonts: this.#fonts, generatedAt });
    } catch (error) {
      await primed.close();
      throw error;
    }
    return {
      filename: exportFilename(nameParts, format),
      contentType: CONTENT_TYPES[format],
      output: writer.output,
      finished: primed.run(writer, totals),
    };
  }
}

/** A file name as `filename=` (ASCII) and `filename*=` (UTF-8) of Content-Disposition carry it. */
export interface ExportName {
  ascii: string;
  utf8: string;
}

/** A part of a file name: words, the report's company and period, or a filter not given. */
type NamePart = string | ResolvedReport | false | undefined;

/**
 * `facturi-clienti_NORD_2025-06_restante.xlsx`: the report, the company code (or
 * `firma-<id>`), the period and the filters that were set, in groups joined by `_`
 * (words by `-`). The ASCII name drops diacritics and anything unsafe in a header;
 * the UTF-8 name keeps the Romanian letters (`facturi-clienți_…`).
 */
export function exportFilename(parts: readonly NamePart[], format: TableFormat): ExportName {
  const groups = parts.flatMap((part): string[] => {
    if (part === false || part === undefined || part === "") return [];
    if (typeof part === "string") return [part];
    return [part.company.code || `firma ${part.company.id}`, part.period.label.replace("..", "--")];
  });
  const clean = (allowed: RegExp, text: string) =>
    text.trim().split(/\s+/).join("-").replace(allowed, "").replace(/-+$/, "");
  const utf8 = groups
    .map((group) => clean(/[^\p{L}\p{N}._-]+/gu, group))
    .filter(Boolean)
    .join("_")
    .slice(0, 120);
  const ascii = groups
    .map((group) => clean(/[^A-Za-z0-9._-]+/g, group.normalize("NFD").replace(/\p{M}+/gu, "")))
    .filter(Boolean)
    .join("_")
    .slice(0, 120);
  return { ascii: `${ascii || "raport"}.${format}`, utf8: `${utf8 || "raport"}.${format}` };
}

/** The Content-Disposition of an export (RFC 6266): an ASCII name for old clients, UTF-8 for the rest. */
export function attachmentDisposition(name: ExportName): string {
  return `attachment; filename="${name.ascii}"; filename*=UTF-8''${encodeURIComponent(name.utf8)}`;
}
