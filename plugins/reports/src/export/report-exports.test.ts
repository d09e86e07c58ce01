import { describe, expect, it } from "vitest";
import type { ResolvedReport } from "../period-resolver.js";
import { attachmentDisposition, exportFilename } from "./report-exports.js";

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
  it("names report, company code, period and the filters that were set", () => {
    expect(
      exportFilename(["facturi clienți", resolved("NORD", "2026-10"), "restante", false], "xlsx"),
    ).toEqual({
      ascii: "facturi-clienti_NORD_2026-10_restante.xlsx",
      utf8: "facturi-clienți_NORD_2026-10_restante.xlsx",
    });
    expect(
      exportFilename(
        ["trezorerie", resolved("CARP", "2025-01-01..2025-06-30"), "cont 5121.01"],
        "pdf",
      ).ascii,
    ).toBe("trezorerie_CARP_2025-01-01--2025-06-30_cont-5121.01.pdf");
    expect(
      exportFilename(
        ["balanță sintetică", resolved("DUNA", "2025-06"), undefined, "clasa 6"],
        "pdf",
      ),
    ).toEqual({
      ascii: "balanta-sintetica_DUNA_2025-06_clasa-6.pdf",
      utf8: "balanță-sintetică_DUNA_2025-06_clasa-6.pdf",
    });
  });

  it("keeps only characters safe in a header, and falls back to the company id", () => {
    expect(exportFilename(["balanță", resolved('Ș"; x=1', "2025-06")], "pdf").ascii).toBe(
      "balanta_S-x1_2025-06.pdf",
    );
    expect(exportFilename(["balanta", resolved("", "2025-06")], "xlsx").ascii).toBe(
      "balanta_firma-7_2025-06.xlsx",
    );
  });

  it("gives both names in the Content-Disposition, the UTF-8 one percent-encoded (RFC 6266)", () => {
    const name = exportFilename(["facturi clienți", resolved("NORD", "2026-10")], "xlsx");
    expect(attachmentDisposition(name)).toBe(
      `attachment; filename="facturi-clienti_NORD_2026-10.xlsx"; filename*=UTF-8''facturi-clien%C8%9Bi_NORD_2026-10.xlsx`,
    );
  });
});
