/**
 * The ERP nomenclature the receipt form looks up (chart of accounts, partners), read
 * through the kernel cache: one ERP query per company and list per TTL, and every
 * keystroke of a search is answered from the cached list.
 */
import type { CacheService, CacheSource, ErpClient } from "@roa2web/plugin-sdk";
import { NotFoundError } from "@roa2web/plugin-sdk";
import {
  type AccountItem,
  accountLevel,
  type PartnerItem,
  type PartnerKind,
} from "./nomenclature-rules.js";

export interface CachedList<T> {
  items: readonly T[];
  source: CacheSource;
  storedAt: number;
}

class UnknownCompanyQueryError extends NotFoundError {
  constructor(companyId: number) {
    super(`The ERP has no company ${companyId}`, { details: { company: companyId } });
  }
}

export class Nomenclature {
  constructor(
    private readonly erp: ErpClient,
    private readonly cache: CacheService,
    private readonly ttlMs: number,
  ) {}

  /** The company's whole chart, in code order (frozen: copy before changing). */
  accounts(companyId: number): Promise<CachedList<AccountItem>> {
    return this.#list(`nomenclature:accounts:${companyId}`, companyId, async () => {
      const rows = await this.erp.query<{
        code: unknown;
        name: unknown;
        kind: unknown;
        parent_code: unknown;
      }>(
        "SELECT code, name, kind, parent_code FROM accounts WHERE company_id = :company ORDER BY code",
        { company: companyId },
      );
      return rows.map((row): AccountItem => {
        const code = String(row.code);
        return {
          code,
          name: String(row.name),
          class: Number(code[0]),
          kind: String(row.kind ?? ""),
          level: accountLevel(code),
          parent_code: row.parent_code == null ? null : String(row.parent_code),
        };
      });
    });
  }

  /** The company's partners (clients and suppliers), by name. */
  partners(companyId: number): Promise<CachedList<PartnerItem>> {
    return this.#list(`nomenclature:partners:${companyId}`, companyId, async () => {
      const rows = await this.erp.query<{
        id: unknown;
        name: unknown;
        tax_id: unknown;
        kind: unknown;
        city: unknown;
      }>(
        "SELECT id, name, tax_id, kind, city FROM partners WHERE company_id = :company ORDER BY name, id",
        { company: companyId },
      );
      return rows.map(
        (row): PartnerItem => ({
          id: Number(row.id),
          name: String(row.name),
          tax_id: String(row.tax_id ?? ""),
          kind: String(row.kind) as PartnerKind,
          city: row.city == null ? null : String(row.city),
        }),
      );
    });
  }

  async #list<T>(key: string, companyId: number, load: () => Promise<T[]>): Promise<CachedList<T>> {
    const { value, source, storedAt } = await this.cache.wrap(key, load, { ttlMs: this.ttlMs });
    // An empty list is usually a company id that does not exist: say so (not cached).
    if (value.length === 0) {
      const company = await this.erp.queryOne("SELECT id FROM companies WHERE id = :company", {
        company: companyId,
      });
      if (!company) throw new UnknownCompanyQueryError(companyId);
    }
    return { items: value, source, storedAt };
  }
}
