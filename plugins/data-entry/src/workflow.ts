/**
 * The receipt workflow as data: DRAFT → PENDING → APPROVED or REJECTED, and
 * REJECTED → DRAFT to correct and resubmit. Routes ask this table what an action
 * does; nothing else decides which status may follow which.
 */
import type { Permission } from "@roa2web/plugin-sdk";

export const RECEIPT_STATUSES = ["DRAFT", "PENDING", "APPROVED", "REJECTED"] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export const WORKFLOW_ACTIONS = ["submit", "approve", "reject", "reopen"] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

export interface Transition {
  action: WorkflowAction;
  from: ReceiptStatus;
  to: ReceiptStatus;
  /** What the route requires (the kernel checks it before the handler runs). */
  permission: Permission;
  /** Reject must say why; the reason is kept in the history and on the receipt. */
  needsReason: boolean;
}

export const TRANSITIONS: readonly Transition[] = Object.freeze([
  {
    action: "submit",
    from: "DRAFT",
    to: "PENDING",
    permission: "data-entry:write",
    needsReason: false,
  },
  {
    action: "approve",
    from: "PENDING",
    to: "APPROVED",
    permission: "data-entry:approve",
    needsReason: false,
  },
  {
    action: "reject",
    from: "PENDING",
    to: "REJECTED",
    permission: "data-entry:approve",
    needsReason: true,
  },
  {
    action: "reopen",
    from: "REJECTED",
    to: "DRAFT",
    permission: "data-entry:write",
    needsReason: false,
  },
]);

/** The transition an action performs from a status, or undefined when it is not allowed. */
export function transitionFor(
  status: ReceiptStatus,
  action: WorkflowAction,
): Transition | undefined {
  return TRANSITIONS.find(
    (transition) => transition.from === status && transition.action === action,
  );
}

/** What may happen next to a receipt in this status (for 409 details and the UI). */
export function allowedTransitions(
  status: ReceiptStatus,
): Array<{ action: WorkflowAction; to: ReceiptStatus }> {
  return TRANSITIONS.filter((transition) => transition.from === status).map(({ action, to }) => ({
    action,
    to,
  }));
}

/** The permission an action's route requires. */
export function permissionFor(action: WorkflowAction): Permission {
  const transition = TRANSITIONS.find((candidate) => candidate.action === action);
  if (!transition) throw new Error(`Unknown workflow action ${action}`);
  return transition.permission;
}

/** PENDING (under review) and APPROVED (booked) receipts are frozen. */
export function isEditable(status: ReceiptStatus): boolean {
  return status === "DRAFT" || status === "REJECTED";
}

/**
 * Why an action is refused in a status, as a sentence (the 409's message). Written out
 * per pair rather than built from the status and the verb: English needs "an" before
 * "approved", "again" when the receipt is already where the action leads, and a hint
 * of what to do instead. `undefined` for the pairs the table above allows.
 */
const REFUSALS: Record<ReceiptStatus, Partial<Record<WorkflowAction, string>>> = {
  DRAFT: {
    approve: "A draft receipt cannot be approved: it must be submitted first",
    reject: "A draft receipt cannot be rejected: it has not been submitted",
    reopen: "A draft receipt is already open for changes",
  },
  PENDING: {
    submit: "A receipt awaiting approval cannot be submitted again",
    reopen: "A receipt awaiting approval cannot be reopened: it must be approved or rejected",
  },
  APPROVED: {
    submit: "An approved receipt cannot be submitted again",
    approve: "An approved receipt cannot be approved again",
    reject: "An approved receipt cannot be rejected",
    reopen: "An approved receipt cannot be reopened",
  },
  REJECTED: {
    submit: "A rejected receipt cannot be submitted as it is: reopen it first",
    approve: "A rejected receipt cannot be approved",
    reject: "A rejected receipt cannot be rejected again",
  },
};

export function refusalMessage(status: ReceiptStatus, action: WorkflowAction): string | undefined {
  return transitionFor(status, action) ? undefined : REFUSALS[status][action];
}

/** Why a user may not review (approve or reject) a receipt: they made or submitted it. */
export type ReviewConflict = "creator" | "submitter";

/**
 * Segregation of duties (DATA_ENTRY_APPROVER_NOT_CREATOR): whoever created the
 * receipt, or sent it for approval the last time, is not the one to judge it.
 */
export function reviewConflict(
  createdBy: string,
  history: ReadonlyArray<{ to: ReceiptStatus; by: string }>,
  username: string,
): ReviewConflict | null {
  if (createdBy === username) return "creator";
  const submitted = history.findLast((step) => step.to === "PENDING");
  return submitted?.by === username ? "submitter" : null;
}

/** The actions that are a review of someone else's work. */
export function isReview(action: WorkflowAction): boolean {
  return action === "approve" || action === "reject";
}
