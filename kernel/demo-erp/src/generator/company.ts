// Simulates one company's books day by day, so every payment knows the balance it draws on and
// every report over the result (receivables, aging, treasury, trial balance) agrees by construction.
import { Books, type IdSequences } from "./books.js";
import {
  addMonths,
  type Day,
  type DayFormatter,
  dayOf,
  daysInMonth,
  isWeekend,
  onOrAfterWeekday,
  splitDay,
} from "./calendar.js";
import { companyEconomics } from "./economics.js";
import type { PartnerNames, TaxIds } from "./identity.js";
import { CASH_ACCOUNT, writeMasterData } from "./master-data.js";
import {
  type MonthEnd,
  type Obligation,
  postBankFee,
  postDepreciation,
  postPayroll,
  postResultCarriedForward,
  postVatReturn,
  postYearEndClosing,
} from "./month-end.js";
import { type Client, createClients, createSuppliers, type Supplier } from "./partners.js";
import { planClientPayments, planSupplierPayments } from "./payment-plans.js";
import {
  type CompanyProfile,
  MONTH_NAMES_RO,
  MONTH_SEASON,
  MONTHLY_SUPPLIERS,
  type PurchaseCategory,
  REVENUE_LABELS,
  type RevenueAccount,
  SALE_AMOUNTS,
  VAT_MIX,
} from "./profiles.js";
import { Random, WeightedTable } from "./random.js";
import type { DemoErpWriter } from "./writer.js";

export interface CompanySetup {
  id: number;
  code: string;
  name: string;
  city: string;
  taxId: string;
  profile: CompanyProfile;
}

export interface SimulationRange {
  /** First day of the first month covered. */
  start: Day;
  /** The last day any document may carry (endDate). */
  end: Day;
  months: number;
  scale: number;
  seed: number;
}

export interface SimulationContext {
  writer: DemoErpWriter;
  days: DayFormatter;
  ids: IdSequences;
  names: PartnerNames;
  taxIds: TaxIds;
}

interface Invoice {
  id: number;
  kind: "client" | "supplier";
  number: string;
  partnerId: number;
  issue: Day;
  due: Day;
  net: number;
  vat: number;
  total: number;
  paid: number;
  description: string;
}

type SimulationEvent =
  | { kind: "collect"; invoice: Invoice; client: Client; cents: number | null }
  | { kind: "settle"; invoice: Invoice; supplier: Supplier; cents: number | null }
  | { kind: "obligation"; obligation: Obligation };

interface BankAccount {
  code: string;
  /** Share of client transfers that arrive in this account. */
  inflowWeight: number;
}

const CASH = CASH_ACCOUNT;
const IN_TRANSIT = "581";
/** Romanian law caps cash payments between companies at 5,000 lei per transaction. */
const CASH_LIMIT = 500_000;

function pct(cents: number, percent: number): number {
  return Math.round((cents * percent) / 100);
}

export class CompanySimulation {
  private readonly rng: Random;
  private readonly books: Books;
  private readonly clients: Client[];
  private readonly suppliers: Supplier[];
  private readonly clientTable: WeightedTable<Client>;
  private readonly banks: BankAccount[];
  private readonly bankInflow: WeightedTable<string>;
  private readonly revenueMix: ReadonlyArray<readonly [RevenueAccount, number]>;
  private readonly ordinaryCategories: ReadonlyArray<readonly [PurchaseCategory, number]>;
  private readonly suppliersByCategory = new Map<string, WeightedTable<Supplier>>();
  private readonly monthlySuppliers: Supplier[];

  private readonly invoices: Invoice[] = [];
  private readonly payments: Array<ReadonlyArray<string | number>> = [];
  private readonly queue = new Map<Day, SimulationEvent[]>();
  private readonly outgoingTransfers = new Map<string, number>();
  private readonly counters = {
    clientInvoice: 0,
    bankOrder: 0,
    cashReceipt: 0,
    cashPayment: 0,
    deposit: 0,
    withdrawal: 0,
  };

  // Levels fixed per company: how busy it is, how big, how it runs its cash.
  private readonly saleLevel: number;
  private readonly purchaseLevel: number;
  private readonly costRatio: number;
  private readonly targetStock: number;
  /** Mean goods and raw-materials purchase (bani): they replace, month by month, what sales use up. */
  private readonly goodsInvoiceMean: number;
  private readonly rawInvoiceMean: number;
  private employees: number;
  private readonly averageGross: number;
  private readonly equipmentCost: number;
  private readonly depreciationMonths: number;
  private readonly cashLow: number;
  private readonly cashTarget: number;
  private readonly cashHigh: number;

  // Per-month plan: how many invoices are issued on each day of the month.
  private salesByDay: number[] = [];
  private purchasesByDay: number[] = [];
  private monthlyByDay = new Map<number, Supplier[]>();
  private monthIndex = -1;

  constructor(
    private readonly context: SimulationContext,
    private readonly company: CompanySetup,
    private readonly range: SimulationRange,
  ) {
    const { seed, scale } = range;
    this.rng = Random.derive(seed, "company", company.code, "books");
    const setup = Random.derive(seed, "company", company.code, "setup");
    this.revenueMix = company.profile.revenueMix;

    this.saleLevel = setup.int(28, 45);
    this.purchaseLevel = setup.int(28, 45);
    this.costRatio = setup.int(62, 76);
    const economics = companyEconomics({
      revenueMix: this.revenueMix,
      saleLevel: this.saleLevel,
      purchaseLevel: this.purchaseLevel,
      costRatio: this.costRatio,
    });
    this.ordinaryCategories = economics.categories;
    // Per invoice: at a higher scale there are more invoices, not bigger ones.
    this.goodsInvoiceMean = economics.goodsInvoiceMean;
    this.rawInvoiceMean = economics.rawInvoiceMean;
    this.averageGross = setup.cents(5_000, 8_500);
    this.employees = Math.max(
      1,
      Math.round((economics.monthlyRevenue * scale * economics.payrollShare) / this.averageGross),
    );
    this.equipmentCost = setup.cents(200_000 * scale, 900_000 * scale);
    this.depreciationMonths = setup.int(60, 120);
    // About one to two months of sales on the shelves.
    this.targetStock = Math.round(economics.monthlyGoodsCost * scale * (1 + setup.next()));
    this.cashLow = Math.round(200_000 * scale);
    this.cashTarget = Math.round(800_000 * scale);
    this.cashHigh = Math.round(2_500_000 * scale);

    const bankCount = setup.chance(0.34) ? 3 : 2;
    const inflowWeights = bankCount === 3 ? [0.6, 0.25, 0.15] : [0.65, 0.35];
    this.banks = inflowWeights.map((weight, i) => ({
      code: `5121.0${i + 1}`,
      inflowWeight: weight,
    }));
    this.bankInflow = new WeightedTable(
      this.banks.map((bank) => [bank.code, bank.inflowWeight] as const),
    );

    const { ids, names, taxIds } = context;
    const nextPartnerId = (): number => ++ids.partner;
    this.clients = createClients(
      setup,
      Math.max(3, Math.round(setup.int(25, 45) * scale)),
      nextPartnerId,
      names,
      taxIds,
    );
    this.suppliers = createSuppliers(
      setup,
      this.ordinaryCategories,
      Math.max(this.ordinaryCategories.length, Math.round(setup.int(18, 30) * scale)),
      MONTHLY_SUPPLIERS,
      scale,
      nextPartnerId,
      names,
      taxIds,
    );
    this.clientTable = new WeightedTable(
      this.clients.map((client) => [client, client.weight] as const),
    );
    this.monthlySuppliers = this.suppliers.filter((supplier) => supplier.monthly !== null);
    for (const [category] of this.ordinaryCategories) {
      const inCategory = this.suppliers.filter((supplier) => supplier.category === category);
      this.suppliersByCategory.set(
        category.key,
        new WeightedTable(inCategory.map((supplier) => [supplier, supplier.weight] as const)),
      );
    }

    const treasury = new Set<string>([CASH, ...this.banks.map((bank) => bank.code)]);
    this.books = new Books(context.writer, context.days, ids, company.id, treasury);
    writeMasterData(context.writer, setup, {
      companyId: company.id,
      bankAccounts: this.banks.map((bank) => bank.code),
      clients: this.clients,
      suppliers: this.suppliers,
      end: range.end,
      months: range.months,
    });
  }

  /** Runs every day from the first of the first month to the end date, then writes the invoices. */
  run(): void {
    const { start, end } = this.range;
    for (let day = start; day <= end; day++) {
      const { year, month, day: dayOfMonth } = splitDay(day);
      if (dayOfMonth === 1) this.planMonth(year, month);
      if (day === start) this.open(day);
      if (!isWeekend(day)) {
        for (const supplier of this.monthlyByDay.get(dayOfMonth) ?? [])
          this.issueMonthlyPurchase(day, supplier, year, month);
        for (let i = 0; i < (this.salesByDay[dayOfMonth] ?? 0); i++)
          this.issueSale(day, year, month);
        for (let i = 0; i < (this.purchasesByDay[dayOfMonth] ?? 0); i++)
          this.issueOrdinaryPurchase(day);
      }
      this.processEvents(day);
      if (!isWeekend(day)) this.manageCash(day);
      if (dayOfMonth === daysInMonth(year, month)) this.closeMonth(day, year, month);
    }
    this.flush();
  }

  // ---- Opening and monthly planning -------------------------------------------------------

  private open(day: Day): void {
    const scale = this.range.scale;
    const doc = this.books.document("OPENING", "SI 1", day, null, "NC");
    const rng = this.rng;
    this.books.post(
      doc,
      "2131",
      "1012",
      this.equipmentCost,
      "Sold inițial echipamente tehnologice",
    );
    if (this.targetStock > 0)
      this.books.post(doc, "371", "1012", this.targetStock, "Sold inițial mărfuri");
    const openingBanks = [
      [250_000, 600_000],
      [50_000, 200_000],
      [20_000, 100_000],
    ] as const;
    this.banks.forEach((bank, i) => {
      const [min, max] = openingBanks[i] ?? [20_000, 100_000];
      this.books.post(
        doc,
        bank.code,
        "1012",
        rng.cents(min * scale, max * scale),
        `Sold inițial ${bank.code}`,
      );
    });
    this.books.post(
      doc,
      CASH,
      "1012",
      Math.max(1, rng.cents(3_000 * scale, 12_000 * scale)),
      "Sold inițial casa în lei",
    );
  }

  private planMonth(year: number, month: number): void {
    const rng = this.rng;
    this.monthIndex++;
    const trend = 0.85 + (0.3 * this.monthIndex) / Math.max(1, this.range.months - 1);
    const season = MONTH_SEASON[month - 1] ?? 1;
    const count = (level: number): number => {
      const base = Math.min(
        60,
        Math.max(20, Math.round(level * season * trend * (0.85 + 0.3 * rng.next()))),
      );
      return Math.max(1, Math.round(base * this.range.scale));
    };
    const length = daysInMonth(year, month);
    const weekdays: number[] = [];
    for (let d = 1; d <= length; d++) if (!isWeekend(dayOf(year, month, d))) weekdays.push(d);

    const spread = (total: number): number[] => {
      const byDay = new Array<number>(length + 1).fill(0);
      for (let i = 0; i < total; i++) {
        const d = rng.pick(weekdays);
        byDay[d] = (byDay[d] ?? 0) + 1;
      }
      return byDay;
    };
    this.salesByDay = spread(count(this.saleLevel));
    const ordinaryPurchases = Math.max(1, count(this.purchaseLevel) - this.monthlySuppliers.length);
    this.purchasesByDay = spread(ordinaryPurchases);

    this.monthlyByDay = new Map();
    for (const supplier of this.monthlySuppliers) {
      const d = splitDay(onOrAfterWeekday(dayOf(year, month, supplier.monthlyDay))).day;
      this.monthlyByDay.set(d, [...(this.monthlyByDay.get(d) ?? []), supplier]);
    }
  }

  // ---- Invoices ---------------------------------------------------------------------------

  private issueSale(day: Day, year: number, month: number): void {
    const rng = this.rng;
    const client = this.clientTable.pick(rng);
    const revenue = rng.weighted(this.revenueMix);
    const [min, max] = SALE_AMOUNTS[revenue];
    const net = rng.cents(min, max, 2);
    const rate = rng.weighted(VAT_MIX);
    const vat = pct(net, rate);
    const number = `${this.company.code} ${String(++this.counters.clientInvoice).padStart(6, "0")}`;
    const description =
      revenue === "704"
        ? `${rng.pick(this.company.profile.services)} ${MONTH_NAMES_RO[month - 1]} ${year}`
        : REVENUE_LABELS[revenue];
    const invoice = this.newInvoice(
      "client",
      number,
      client.id,
      day,
      day + client.termDays,
      net,
      vat,
      description,
    );

    const doc = this.books.document("SALE_INVOICE", number, day, client.id, null, invoice.id);
    this.books.post(doc, client.account, revenue, net, `Factura ${number} - ${client.name}`);
    this.books.post(doc, client.account, "4427", vat, `TVA colectată ${rate}% factura ${number}`);
    if (revenue === "707") {
      // Goods leave the stock at cost; never below zero, the stock account is active.
      const cost = Math.min(
        this.books.balance("371"),
        Math.round((net * (this.costRatio + rng.int(-5, 5))) / 100),
      );
      if (cost > 0)
        this.books.post(doc, "607", "371", cost, `Descărcare gestiune mărfuri factura ${number}`);
    }
    for (const planned of planClientPayments(
      rng,
      client.behaviour,
      invoice.issue,
      invoice.due,
      invoice.total,
    )) {
      this.schedule(planned.day, day, { kind: "collect", invoice, client, cents: planned.cents });
    }
  }

  private issueOrdinaryPurchase(day: Day): void {
    const rng = this.rng;
    // Buy goods faster when the shelves run low, slower when they are full.
    const pressure = this.targetStock / Math.max(1, this.books.balance("371"));
    const weights = this.ordinaryCategories.map(
      ([category, weight]) =>
        [
          category,
          category.key === "goods" ? weight * Math.min(2, Math.max(0.5, pressure)) : weight,
        ] as const,
    );
    const category = rng.weighted(weights);
    const supplier = this.suppliersByCategory.get(category.key)?.pick(rng);
    if (!supplier) throw new Error(`No supplier for category ${category.key}`);
    const spread = 0.4 + 1.2 * rng.next();
    let net: number;
    if (category.key === "goods")
      net = this.goodsInvoiceMean * spread * Math.min(1.8, Math.max(0.6, pressure));
    else if (category.key === "raw") net = this.rawInvoiceMean * spread;
    else net = rng.cents(category.minLei, category.maxLei, 2);
    net = Math.max(1_000, Math.round(net));
    this.issuePurchase(
      day,
      supplier,
      category.account,
      net,
      rng.weighted(category.vatMix),
      category.label,
    );
  }

  private issueMonthlyPurchase(day: Day, supplier: Supplier, year: number, month: number): void {
    const fixed = supplier.monthly;
    if (!fixed) return;
    // Rent rises once a year; utilities follow consumption.
    const net =
      fixed.account === "612"
        ? Math.round(supplier.monthlyCents * (1 + 0.05 * Math.floor(this.monthIndex / 12)))
        : Math.round(supplier.monthlyCents * (0.75 + 0.5 * this.rng.next()));
    this.issuePurchase(
      day,
      supplier,
      fixed.account,
      net,
      fixed.vatRate,
      `${fixed.label} ${MONTH_NAMES_RO[month - 1]} ${year}`,
    );
  }

  private issuePurchase(
    day: Day,
    supplier: Supplier,
    account: string,
    net: number,
    rate: number,
    description: string,
  ): void {
    const number = `${supplier.series} ${supplier.nextNumber}`;
    supplier.nextNumber += this.rng.int(1, 40);
    const vat = pct(net, rate);
    const invoice = this.newInvoice(
      "supplier",
      number,
      supplier.id,
      day,
      day + supplier.termDays,
      net,
      vat,
      description,
    );
    const doc = this.books.document("PURCHASE_INVOICE", number, day, supplier.id, null, invoice.id);
    this.books.post(doc, account, supplier.account, net, `Factura ${number} - ${supplier.name}`);
    this.books.post(
      doc,
      "4426",
      supplier.account,
      vat,
      `TVA deductibilă ${rate}% factura ${number}`,
    );
    for (const planned of planSupplierPayments(
      this.rng,
      supplier.behaviour,
      invoice.issue,
      invoice.due,
      invoice.total,
    )) {
      this.schedule(planned.day, day, { kind: "settle", invoice, supplier, cents: planned.cents });
    }
  }

  private newInvoice(
    kind: "client" | "supplier",
    number: string,
    partnerId: number,
    issue: Day,
    due: Day,
    net: number,
    vat: number,
    description: string,
  ): Invoice {
    const invoice: Invoice = {
      id: ++this.context.ids.invoice,
      kind,
      number,
      partnerId,
      issue,
      due,
      net,
      vat,
      total: net + vat,
      paid: 0,
      description,
    };
    this.invoices.push(invoice);
    return invoice;
  }

  // ---- Money movements --------------------------------------------------------------------

  /** Events land on a weekday on or after `day`; anything past the end date never happens. */
  private schedule(day: Day, today: Day, event: SimulationEvent): void {
    const when = onOrAfterWeekday(Math.max(day, today));
    if (when > this.range.end) return;
    const list = this.queue.get(when);
    if (list) list.push(event);
    else this.queue.set(when, [event]);
  }

  private processEvents(day: Day): void {
    const events = this.queue.get(day);
    if (!events) return;
    this.queue.delete(day);
    // Money in before money out, as a treasurer would look at the statement first.
    for (const event of events)
      if (event.kind === "collect") this.collect(day, event.invoice, event.client, event.cents);
    for (const event of events) {
      switch (event.kind) {
        case "collect":
          break;
        case "settle":
          this.settle(day, event);
          break;
        case "obligation":
          this.payObligation(day, event.obligation);
          break;
      }
    }
  }

  private collect(day: Day, invoice: Invoice, client: Client, planned: number | null): void {
    const owed = invoice.total - invoice.paid;
    const cents = planned === null ? owed : Math.min(planned, owed);
    if (cents <= 0) return;
    const inCash = client.paysCash && cents <= CASH_LIMIT && this.rng.chance(0.8);
    const account = inCash ? CASH : this.bankInflow.pick(this.rng);
    const paymentId = ++this.context.ids.payment;
    const number = inCash
      ? `CH ${++this.counters.cashReceipt}`
      : this.statementNumber(account, day);
    const doc = this.books.document(
      "RECEIPT",
      number,
      day,
      client.id,
      inCash ? "CH" : "EXT",
      paymentId,
    );
    this.books.post(
      doc,
      account,
      client.account,
      cents,
      `Încasare factura ${invoice.number} - ${client.name}`,
    );
    this.recordPayment(paymentId, invoice, day, cents, account);
  }

  private settle(day: Day, event: Extract<SimulationEvent, { kind: "settle" }>): void {
    const { invoice, supplier } = event;
    const owed = invoice.total - invoice.paid;
    const cents = event.cents === null ? owed : Math.min(event.cents, owed);
    if (cents <= 0) return;
    const inCash = supplier.paysCash && cents <= CASH_LIMIT && this.books.balance(CASH) >= cents;
    const account = inCash ? CASH : this.bankWithFunds(cents);
    if (account === null) {
      // Short of money: the supplier waits a few days, as it would in real life.
      this.schedule(day + this.rng.int(2, 6), day + 1, event);
      return;
    }
    if (!inCash) this.countTransfer(account);
    const paymentId = ++this.context.ids.payment;
    const number = inCash ? `DP ${++this.counters.cashPayment}` : `OP ${++this.counters.bankOrder}`;
    const doc = this.books.document(
      "PAYMENT",
      number,
      day,
      supplier.id,
      inCash ? "DP" : "OP",
      paymentId,
    );
    this.books.post(
      doc,
      supplier.account,
      account,
      cents,
      `Plată factura ${invoice.number} - ${supplier.name}`,
    );
    this.recordPayment(paymentId, invoice, day, cents, account);
  }

  private recordPayment(
    paymentId: number,
    invoice: Invoice,
    day: Day,
    cents: number,
    account: string,
  ): void {
    invoice.paid += cents;
    this.payments.push([
      paymentId,
      this.company.id,
      invoice.id,
      this.context.days.format(day),
      cents / 100,
      account,
    ]);
  }

  /** Salaries, social contributions and VAT: paid from the bank, a day later if money is short. */
  private payObligation(day: Day, obligation: Obligation): void {
    const total = obligation.lines.reduce((sum, [, cents]) => sum + cents, 0);
    const account = this.bankWithFunds(total);
    if (account === null) {
      this.schedule(day + 1, day + 1, { kind: "obligation", obligation });
      return;
    }
    this.countTransfer(account);
    const doc = this.books.document(
      obligation.type,
      `OP ${++this.counters.bankOrder}`,
      day,
      null,
      "OP",
    );
    for (const [debit, cents, explanation] of obligation.lines) {
      this.books.post(doc, debit, account, cents, explanation);
    }
  }

  /** Outflows leave the accounts in the same proportions clients pay into them; else the richest. */
  private bankWithFunds(cents: number): string | null {
    const preferred = this.bankInflow.pick(this.rng);
    if (this.books.balance(preferred) >= cents) return preferred;
    let richest: string | null = null;
    for (const bank of this.banks) {
      if (
        this.books.balance(bank.code) >= cents &&
        (richest === null || this.books.balance(bank.code) > this.books.balance(richest))
      ) {
        richest = bank.code;
      }
    }
    return richest;
  }

  private countTransfer(account: string): void {
    this.outgoingTransfers.set(account, (this.outgoingTransfers.get(account) ?? 0) + 1);
  }

  /** Keeps a float in the till: bank the surplus, withdraw when it runs low (always via 581). */
  private manageCash(day: Day): void {
    const cash = this.books.balance(CASH);
    const primary = this.banks[0]?.code ?? "5121.01";
    if (cash > this.cashHigh) {
      const cents = Math.floor((cash - this.cashTarget) / 10_000) * 10_000;
      if (cents <= 0) return;
      const doc = this.books.document(
        "CASH_TRANSFER",
        `FV ${++this.counters.deposit}`,
        day,
        null,
        "FV",
      );
      this.books.post(doc, IN_TRANSIT, CASH, cents, "Depunere numerar la bancă");
      this.books.post(doc, primary, IN_TRANSIT, cents, "Încasare numerar depus în cont");
    } else if (cash < this.cashLow) {
      const cents = Math.ceil((this.cashTarget - cash) / 10_000) * 10_000;
      const bank = this.bankWithFunds(cents);
      if (bank === null || cents <= 0) return;
      const doc = this.books.document(
        "CASH_TRANSFER",
        `CEC ${++this.counters.withdrawal}`,
        day,
        null,
        "CEC",
      );
      this.books.post(doc, IN_TRANSIT, bank, cents, "Ridicare numerar de la bancă");
      this.books.post(doc, CASH, IN_TRANSIT, cents, "Intrare numerar în casierie");
    }
  }

  // ---- Month end ----------------------------------------------------------------------------

  private closeMonth(day: Day, year: number, month: number): void {
    const end: MonthEnd = {
      day,
      period: `${MONTH_NAMES_RO[month - 1]} ${year}`,
      label: `${String(month).padStart(2, "0")}/${year}`,
      next: addMonths(year, month, 1),
    };
    const rng = this.rng;
    if (rng.chance(0.15)) this.employees = Math.max(1, this.employees + (rng.chance(0.6) ? 1 : -1));
    // Wages rise about 10 % a year; December pays a bonus.
    const raise = 1 + 0.008 * this.monthIndex;
    const bonus = month === 12 ? 1.2 : 1;
    const gross = Math.round(
      this.employees * this.averageGross * raise * bonus * (0.97 + 0.06 * rng.next()),
    );
    const obligations = postPayroll(this.books, end, gross);
    postDepreciation(this.books, end, this.equipmentCost, this.depreciationMonths);
    for (const bank of this.banks) {
      const fee = rng.cents(15, 40) + 200 * (this.outgoingTransfers.get(bank.code) ?? 0);
      postBankFee(this.books, end, bank.code, fee, this.statementNumber(bank.code, day));
    }
    this.outgoingTransfers.clear();
    obligations.push(...postVatReturn(this.books, end));
    if (month === 4) postResultCarriedForward(this.books, end, year);
    // Last, once every expense and revenue of the year is booked.
    if (month === 12) postYearEndClosing(this.books, end, year);
    for (const obligation of obligations)
      this.schedule(obligation.due, day, { kind: "obligation", obligation });
  }

  // ---- Helpers ------------------------------------------------------------------------------

  /** Incoming transfers and bank fees appear on the day's statement: "EXT 01/20240315". */
  private statementNumber(bank: string, day: Day): string {
    return `EXT ${bank.slice(-2)}/${this.context.days.format(day).replaceAll("-", "")}`;
  }

  /** Invoices go in last because their paid amount is only known once the simulation ends. */
  private flush(): void {
    const { writer, days } = this.context;
    for (const invoice of this.invoices) {
      writer.insert("invoices", [
        invoice.id,
        this.company.id,
        invoice.kind,
        invoice.number,
        invoice.partnerId,
        days.format(invoice.issue),
        days.format(invoice.due),
        invoice.net / 100,
        invoice.vat / 100,
        invoice.total / 100,
        invoice.paid / 100,
        "RON",
        invoice.description,
      ]);
    }
    for (const payment of this.payments) writer.insert("payments", payment);
  }
}
