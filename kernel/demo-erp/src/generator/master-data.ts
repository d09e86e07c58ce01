// One company's nomenclature: chart of accounts with its analytics, cash and bank accounts,
// partners and accounting periods, written before any document refers to them.
import { addMonths, type Day, splitDay } from "./calendar.js";
import { CHART_OF_ACCOUNTS, placeAccount } from "./chart-of-accounts.js";
import { BANKS, romanianIban } from "./identity.js";
import type { Client, Supplier } from "./partners.js";
import type { Random } from "./random.js";
import type { DemoErpWriter } from "./writer.js";

export interface MasterData {
  companyId: number;
  /** Analytic bank accounts, `5121.01` first. */
  bankAccounts: readonly string[];
  clients: readonly Client[];
  suppliers: readonly Supplier[];
  /** The end date and the number of calendar months that end with its month. */
  end: Day;
  months: number;
}

export const CASH_ACCOUNT = "5311";

export function writeMasterData(writer: DemoErpWriter, rng: Random, data: MasterData): void {
  const { companyId } = data;
  const kindOf = new Map<string, string>();
  const insertAccount = (code: string, name: string, kind: string): void => {
    const placement = placeAccount(code);
    writer.insert("accounts", [
      companyId,
      code,
      name,
      placement.class,
      kind,
      placement.level,
      placement.parentCode,
    ]);
  };
  for (const account of CHART_OF_ACCOUNTS) {
    kindOf.set(account.code, account.kind);
    insertAccount(account.code, account.name, account.kind);
  }
  // An analytic account behaves like its parent: 4111.00003 is active, 401.00012 passive.
  const analytic = (code: string, name: string): void =>
    insertAccount(code, name, kindOf.get(placeAccount(code).parentCode ?? "") ?? "B");

  writer.insert("treasury_accounts", [
    companyId,
    CASH_ACCOUNT,
    "Casa în lei",
    "cash",
    null,
    null,
    "RON",
  ]);
  const banks = [...BANKS];
  for (const code of data.bankAccounts) {
    const [bank] = banks.splice(rng.int(0, banks.length - 1), 1);
    if (!bank) throw new RangeError(`More bank accounts than the ${BANKS.length} known banks`);
    const name = `Cont curent ${bank.short}`;
    const iban = romanianIban(rng, bank.code);
    writer.insert("treasury_accounts", [companyId, code, name, "bank", bank.name, iban, "RON"]);
    analytic(code, name);
  }
  for (const partner of data.clients) {
    writer.insert("partners", [
      partner.id,
      companyId,
      partner.name,
      partner.taxId,
      "client",
      partner.city,
    ]);
    analytic(partner.account, partner.name);
  }
  for (const partner of data.suppliers) {
    writer.insert("partners", [
      partner.id,
      companyId,
      partner.name,
      partner.taxId,
      "supplier",
      partner.city,
    ]);
    analytic(partner.account, partner.name);
  }

  // Months before the one preceding the end date are closed; the last two stay open.
  const last = splitDay(data.end);
  const previous = addMonths(last.year, last.month, -1);
  const firstOpen = previous.year * 12 + previous.month;
  for (let i = 0; i < data.months; i++) {
    const { year, month } = addMonths(last.year, last.month, i - data.months + 1);
    writer.insert("periods", [companyId, year, month, year * 12 + month < firstOpen ? 1 : 0]);
  }
}
