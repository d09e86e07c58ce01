import { describe, expect, it } from "vitest";
import {
  type AccountItem,
  accountLevel,
  DEFAULT_VAT_SCHEDULE,
  matchSupplier,
  normalisedName,
  type PartnerItem,
  parseVatSchedule,
  searchAccounts,
  searchPartners,
  vatRatesOn,
} from "./nomenclature-rules.js";

const account = (code: string, name: string): AccountItem => ({
  code,
  name,
  class: Number(code[0]),
  kind: "A",
  level: accountLevel(code),
  parent_code: null,
});
const chart = [
  account("401", "Furnizori"),
  account("401.00012", "Carpați Distribuție SRL"),
  account("4426", "TVA deductibilă"),
  account("6022", "Cheltuieli privind combustibilii"),
  account("604", "Cheltuieli privind materialele nestocate"),
];

const partner = (id: number, name: string, taxId: string, kind: "client" | "supplier") =>
  ({ id, name, tax_id: taxId, kind, city: "Iași" }) satisfies PartnerItem;
const partners = [
  partner(1, "OMV Petrom SA", "RO1590082", "supplier"),
  partner(2, "Ștefan Construct SRL", "RO15901234", "client"),
  partner(3, "Distribuție Energie Oltenia", "RO14491102", "supplier"),
];

describe("searching the chart of accounts", () => {
  it("finds by code prefix first, then by name without accents or case", () => {
    expect(searchAccounts(chart, "40").map((a) => a.code)).toEqual(["401", "401.00012"]);
    expect(searchAccounts(chart, "tva deductibila").map((a) => a.code)).toEqual(["4426"]);
    expect(searchAccounts(chart, "CHELTUIELI").map((a) => a.code)).toEqual(["6022", "604"]);
    expect(searchAccounts(chart, "  ")).toHaveLength(chart.length);
    expect(searchAccounts(chart, "zzz")).toEqual([]);
  });

  it("tells the level from the code", () => {
    expect([accountLevel("401"), accountLevel("4426"), accountLevel("401.00012")]).toEqual([
      "synthetic1",
      "synthetic2",
      "analytic",
    ]);
  });
});

describe("searching partners", () => {
  it("finds by tax id with or without RO, and by name without accents", () => {
    expect(searchPartners(partners, "RO159").map((p) => p.id)).toEqual([1, 2]);
    expect(searchPartners(partners, "ro 1590082").map((p) => p.id)).toEqual([1]);
    expect(searchPartners(partners, "1449").map((p) => p.id)).toEqual([3]);
    expect(searchPartners(partners, "stefan").map((p) => p.id)).toEqual([2]);
    expect(searchPartners(partners, "distributie").map((p) => p.id)).toEqual([3]);
  });

  it("keeps only one kind when asked", () => {
    expect(searchPartners(partners, "", "supplier").map((p) => p.id)).toEqual([1, 3]);
    expect(searchPartners(partners, "RO159", "client").map((p) => p.id)).toEqual([2]);
  });
});

describe("VAT rates", () => {
  const schedule = parseVatSchedule(DEFAULT_VAT_SCHEDULE);

  it("gives the Romanian rates before and from 1 August 2025", () => {
    expect(vatRatesOn(schedule, "2025-07-31")).toEqual({
      date: "2025-07-31",
      valid_from: null,
      valid_to: "2025-07-31",
      rates: [
        { rate: 19, name: "standard" },
        { rate: 9, name: "reduced" },
        { rate: 5, name: "reduced" },
      ],
    });
    expect(vatRatesOn(schedule, "2025-08-01")).toEqual({
      date: "2025-08-01",
      valid_from: "2025-08-01",
      valid_to: null,
      rates: [
        { rate: 21, name: "standard" },
        { rate: 11, name: "reduced" },
        { rate: 0, name: "zero" },
      ],
    });
  });

  it("has nothing before a schedule whose first period starts on a date", () => {
    expect(vatRatesOn(parseVatSchedule("2020-01-01:19"), "2019-12-31")).toBeNull();
  });

  it.each([
    ["", "no period"],
    ["19;20", "only the first"],
    ["2025-13:21", "not a date"],
    ["2025-08-01:21;2024-01-01:19", "date order"],
    ["21,abc", "percentages"],
  ])("refuses %j (%s)", (text, message) => {
    expect(() => parseVatSchedule(text)).toThrow(message);
  });
});

describe("matching a receipt's supplier with the ERP's partners", () => {
  const suppliers = [
    ...partners,
    partner(12, "Carpați Distribuție SRL", "RO2816464", "supplier"),
    partner(14, "Aral GmbH", "DE136695976", "supplier"),
  ];
  const chartWithAral = [...chart, account("401.00014", "Aral GmbH")];

  it("finds the supplier by tax id, with or without RO, and credits its own 401 account", () => {
    for (const taxId of ["RO2816464", "2816464", "ro 2816464"]) {
      const match = matchSupplier(suppliers, chart, { taxId, merchant: "Whatever" }, "401");
      expect(match.partner?.id, taxId).toBe(12);
      expect(match.matched_by).toBe("tax_id");
      expect(match.account).toBe("401.00012");
    }
    const foreign = matchSupplier(
      suppliers,
      chartWithAral,
      { taxId: "DE136695976", merchant: null },
      "401",
    );
    expect(foreign).toMatchObject({ matched_by: "tax_id", account: "401.00014" });
  });

  it("falls back to the name, ignoring legal forms, accents, case and punctuation", () => {
    expect(normalisedName("S.C. CARPATI DISTRIBUTIE S.R.L.")).toBe("CARPATI DISTRIBUTIE");
    const match = matchSupplier(
      suppliers,
      chart,
      { taxId: "", merchant: "S.C. Carpati Distributie S.R.L." },
      "401",
    );
    expect(match).toMatchObject({ matched_by: "name", account: "401.00012" });
    expect(match.partner?.id).toBe(12);
  });

  it("never matches a client, and leaves an unknown supplier on the generic account", () => {
    const client = matchSupplier(
      suppliers,
      chart,
      { taxId: "RO15901234", merchant: "Ștefan Construct" },
      "401",
    );
    expect(client).toEqual({ partner: null, matched_by: null, account: "401" });
    const unknown = matchSupplier(
      suppliers,
      chart,
      { taxId: "RO14399840", merchant: "eMAG" },
      "401",
    );
    expect(unknown.partner).toBeNull();
    expect(unknown.account).toBe("401");
  });

  it("uses the generic account when the chart has no analytic for the partner", () => {
    const match = matchSupplier(suppliers, chart, { taxId: "RO1590082", merchant: null }, "401");
    expect(match.partner?.id).toBe(1);
    expect(match.account).toBe("401");
  });
});
