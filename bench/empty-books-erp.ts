import type { ErpClient } from "@roa2web/plugin-sdk";

/**
 * The ERP the in-process report benches run against: company 1 exists with
 * `closedMonths` months closed, the books are empty — enough for a dashboard.
 */
export function emptyBooksErp(closedMonths: number): ErpClient {
  return {
    dialect: "sqlite",
    async queryOne(sql: string) {
      return sql.includes("FROM companies c")
        ? { id: 1, code: "NORD", name: "Nord SRL", closed_months: closedMonths }
        : undefined;
    },
    async query() {
      return [];
    },
    stream() {
      throw new Error("not used");
    },
  } as unknown as ErpClient;
}
