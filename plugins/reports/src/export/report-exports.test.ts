import { describe, expect, it } from "vitest";
import type { ResolvedReport } from "../report-service.js";
import { exportFilename } from "./report-exports.js";

function resolved(code: string, label: string): ResolvedReport {
  return {
    period: { from: "2025-01-01", to: "2025-06-30", until: "2025-07-01", label },
    view: { from: "2025-01-01", to: "2025-06-30", label, as_of: "2025-06-30", closed: true },
    asOfUntil: "2025-07-01",
    ttlMs: 0,
    company: { id: 7, code, name: "Carpați Distribuție SRL" },
  };
}

describe("exportFilename", () => {
  it("names report, company code and period", () => {
    expect(exportFilename(["facturi", "clienti", resolved("NORD", "2025-06")], "xlsx")).toBe(
      "facturi-clienti-NORD-2025-06.xlsx",
    );
    expect(exportFilename(["trezorerie", resolved("CARP", "2025-01-01..2025-06-30")], "pdf")).toBe(
      "trezorerie-CARP-2025-01-01_2025-06-30.pdf",
    );
  });

  it("keeps only characters safe in a header, and falls back to the company id", () => {
    expect(exportFilename(["balanță", resolved('Ș"; x=1', "2025-06")], "pdf")).toBe(
      "balanta-Sx1-2025-06.pdf",
    );
    expect(exportFilename(["balanta", resolved("", "2025-06")], "xlsx")).toBe(
      "balanta-company7-2025-06.xlsx",
    );
  });
});
