/** `/api/companies` and `/api/calendar`: what every plugin's selectors are built from. */

import {
  type AuthUser,
  assertCanSeeCompany,
  canSeeCompany,
  NotFoundError,
} from "@roa2web/plugin-sdk";
import type { FastifyInstance } from "fastify";
import type { KernelCradle } from "../../kernel-cradle.js";
import { companySchema, errorsAnswered } from "./schemas.js";

interface CompanyRow {
  id: number;
  code: string;
  name: string;
  tax_id: string;
  currency: string;
  [column: string]: unknown;
}

export async function visibleCompanies(
  kernel: KernelCradle,
  user: AuthUser,
): Promise<CompanyRow[]> {
  const rows = await kernel.erp.query<CompanyRow>(
    "SELECT id, code, name, tax_id, currency FROM companies ORDER BY name",
  );
  return rows
    .filter((row) => canSeeCompany(user, Number(row.id)))
    .map((row) => ({ ...row, id: Number(row.id) }));
}

export async function companiesRoutes(app: FastifyInstance, kernel: KernelCradle): Promise<void> {
  app.get(
    "/api/companies",
    {
      config: { access: "authenticated" },
      schema: {
        tags: ["companies"],
        summary: "The companies the caller may see",
        response: {
          200: { type: "object", properties: { items: { type: "array", items: companySchema } } },
        },
      },
    },
    // biome-ignore lint/style/noNonNullAssertion: the access hook guarantees a user here
    async (request) => ({ items: await visibleCompanies(kernel, request.user!) }),
  );

  app.get<{ Querystring: { company: number } }>(
    "/api/calendar",
    {
      config: { access: "authenticated" },
      schema: {
        tags: ["companies"],
        summary: "Accounting periods of a company: years and months, open or closed",
        querystring: {
          type: "object",
          required: ["company"],
          additionalProperties: false,
          properties: { company: { type: "integer", minimum: 1 } },
        },
        response: {
          200: {
            type: "object",
            properties: {
              company_id: { type: "integer" },
              current: {
                type: "object",
                nullable: true,
                properties: { year: { type: "integer" }, month: { type: "integer" } },
              },
              years: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    year: { type: "integer" },
                    months: {
                      type: "array",
                      items: {
                        type: "object",
                        properties: {
                          month: { type: "integer" },
                          period: { type: "string", description: "YYYY-MM" },
                          closed: { type: "boolean" },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          ...errorsAnswered(403, 404),
        },
      },
    },
    async (request) => {
      const companyId = request.query.company;
      // biome-ignore lint/style/noNonNullAssertion: the access hook guarantees a user here
      assertCanSeeCompany(request.user!, companyId);
      const rows = await kernel.erp.query<{ year: number; month: number; closed: number }>(
        "SELECT year, month, closed FROM periods WHERE company_id = :company ORDER BY year DESC, month DESC",
        { company: companyId },
      );
      if (rows.length === 0) {
        const exists = await kernel.erp.queryOne("SELECT id FROM companies WHERE id = :company", {
          company: companyId,
        });
        if (!exists) throw new NotFoundError(`No company with id ${companyId}`);
      }
      const years = new Map<number, Array<{ month: number; period: string; closed: boolean }>>();
      for (const row of rows) {
        const year = Number(row.year);
        const month = Number(row.month);
        const list = years.get(year) ?? [];
        list.push({
          month,
          period: `${year}-${String(month).padStart(2, "0")}`,
          closed: Number(row.closed) === 1,
        });
        years.set(year, list);
      }
      const first = rows[0];
      return {
        company_id: companyId,
        current: first ? { year: Number(first.year), month: Number(first.month) } : null,
        years: [...years].map(([year, months]) => ({ year, months })),
      };
    },
  );
}
