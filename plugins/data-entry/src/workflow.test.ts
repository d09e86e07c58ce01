import { describe, expect, it } from "vitest";
import {
  allowedTransitions,
  isEditable,
  permissionFor,
  RECEIPT_STATUSES,
  refusalMessage,
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

  it("says why an action is refused in words that fit the status and the action", () => {
    expect(refusalMessage("APPROVED", "approve")).toBe(
      "An approved receipt cannot be approved again",
    );
    expect(refusalMessage("PENDING", "submit")).toBe(
      "A receipt awaiting approval cannot be submitted again",
    );
    expect(refusalMessage("DRAFT", "approve")).toBe(
      "A draft receipt cannot be approved: it must be submitted first",
    );
    expect(refusalMessage("REJECTED", "reject")).toBe(
      "A rejected receipt cannot be rejected again",
    );
    for (const status of RECEIPT_STATUSES) {
      for (const action of WORKFLOW_ACTIONS) {
        const message = refusalMessage(status, action);
        if (transitionFor(status, action)) {
          expect(message, `${status} ${action}`).toBeUndefined();
          continue;
        }
        expect(message, `${status} ${action}`).toMatch(/^(A|An) [a-z]/);
        // Neither the status code shouting nor a verb made by gluing "ed" on.
        expect(message).not.toMatch(/[A-Z]{3}|approveed|submited|\bA a|\bA approved/);
      }
    }
  });
});
