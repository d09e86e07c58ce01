import { describe, expect, it } from "vitest";
import {
  allowedTransitions,
  isEditable,
  permissionFor,
  RECEIPT_STATUSES,
  transitionFor,
  WORKFLOW_ACTIONS,
} from "./workflow.js";

describe("receipt workflow", () => {
  it.each([
    ["DRAFT", "submit", "PENDING"],
    ["PENDING", "approve", "APPROVED"],
    ["PENDING", "reject", "REJECTED"],
    ["REJECTED", "reopen", "DRAFT"],
  ] as const)("%s --%s--> %s", (from, action, to) => {
    expect(transitionFor(from, action)?.to).toBe(to);
  });

  it("allows nothing else", () => {
    const allowed = new Set([
      "DRAFT:submit",
      "PENDING:approve",
      "PENDING:reject",
      "REJECTED:reopen",
    ]);
    for (const status of RECEIPT_STATUSES) {
      for (const action of WORKFLOW_ACTIONS) {
        expect(transitionFor(status, action) !== undefined).toBe(
          allowed.has(`${status}:${action}`),
        );
      }
    }
  });

  it("lists what may follow each status", () => {
    expect(allowedTransitions("DRAFT")).toEqual([{ action: "submit", to: "PENDING" }]);
    expect(allowedTransitions("PENDING")).toEqual([
      { action: "approve", to: "APPROVED" },
      { action: "reject", to: "REJECTED" },
    ]);
    expect(allowedTransitions("APPROVED")).toEqual([]);
  });

  it("needs the approve permission to approve or reject, and a reason to reject", () => {
    expect(permissionFor("approve")).toBe("data-entry:approve");
    expect(permissionFor("reject")).toBe("data-entry:approve");
    expect(permissionFor("submit")).toBe("data-entry:write");
    expect(permissionFor("reopen")).toBe("data-entry:write");
    expect(transitionFor("PENDING", "reject")?.needsReason).toBe(true);
  });

  it("freezes PENDING and APPROVED receipts", () => {
    expect(RECEIPT_STATUSES.filter(isEditable)).toEqual(["DRAFT", "REJECTED"]);
  });
});
