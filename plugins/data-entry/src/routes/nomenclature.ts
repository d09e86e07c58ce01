/** What the receipt form looks up: accounts and partners from the ERP (cached), VAT rates. */
import {
  assertCanSeeCompany,
  defineRoutes,
  NotFoundError,
  pageWindow,
  signedInUser,
  type TypeBoxTypeProvider,
  toPage,
} from "@roa2web/plugin-sdk";
import { InvalidFieldError } from "../errors.js";
import type { CachedList } from "../nomenclature.js";
import { searchAccounts, searchPartners, vatRatesOn } from "../nomenclature-rules.js";
import type { plugin } from "../plugin.js";
import { isCalendarDate, todayIn } from "../receipt-rules.js";
import { accountsSchema, partnersSchema, type SearchQuery, vatRatesSchema } from "../schemas.js";
import { assertCompanyExists } from "../services.js";

/** `X-Cache` and `Age` as the reports plugin sends them (docs/cache.md). */
function cacheHeaders(
  reply: { header(name: string, value: string | number): unknown },
  list: CachedList<unknown>,
): void {
  reply.header("x-cache", list.source);
  reply.header(
    "age",
    list.source === "MISS" ? 0 : Math.max(0, Math.floor((Date.now() - list.storedAt) / 1000)),
  );
}

export default defineRoutes<typeof plugin>(async (fastify, { deps, state }) => {
  // Request and answer types come from the schemas (schemas.ts).
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { settings, nomenclature } = state;

  const pageRequestOf = (query: SearchQuery) => ({
    page: query.page ?? 1,
    pageSize: query.page_size ?? settings.defaultPageSize,
  });

  function onePage<T>(matches: T[], query: SearchQuery) {
    const request = pageRequestOf(query);
    const { skip, take } = pageWindow(request);
    return toPage(matches.slice(skip, skip + take), matches.length, request);
  }

  app.get(
    "/nomenclature/accounts",
    { config: { access: "data-entry:read" }, schema: accountsSchema },
    async (request, reply) => {
      assertCanSeeCompany(signedInUser(request), request.query.company);
      const list = await nomenclature.accounts(request.query.company);
      // An empty list may be a company the ERP does not have: that is a 404.
      if (list.items.length === 0) await assertCompanyExists(deps.erp, request.query.company);
      cacheHeaders(reply, list);
      return onePage(searchAccounts(list.items, request.query.q), request.query);
    },
  );

  app.get(
    "/nomenclature/partners",
    { config: { access: "data-entry:read" }, schema: partnersSchema },
    async (request, reply) => {
      assertCanSeeCompany(signedInUser(request), request.query.company);
      const list = await nomenclature.partners(request.query.company);
      // An empty list may be a company the ERP does not have: that is a 404.
      if (list.items.length === 0) await assertCompanyExists(deps.erp, request.query.company);
      cacheHeaders(reply, list);
      return onePage(
        searchPartners(list.items, request.query.q, request.query.kind),
        request.query,
      );
    },
  );

  app.get(
    "/nomenclature/vat-rates",
    { config: { access: "data-entry:read" }, schema: vatRatesSchema },
    async (request) => {
      const date = request.query.date ?? todayIn(settings.timeZone);
      if (!isCalendarDate(date)) {
        throw new InvalidFieldError("querystring.date", "must be a date YYYY-MM-DD");
      }
      const rates = vatRatesOn(settings.vatSchedule, date);
      if (!rates) {
        throw new NotFoundError(`No VAT rates are configured for ${date}`, { details: { date } });
      }
      return rates;
    },
  );
});
