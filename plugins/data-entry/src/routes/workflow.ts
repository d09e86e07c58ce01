/**
 * The workflow: POST /receipts/:id/submit | approve | reject | reopen. The transition
 * table (workflow.ts) decides what each action may do; every move is recorded. With
 * DATA_ENTRY_APPROVER_NOT_CREATOR, whoever created or submitted a receipt may not
 * approve or reject it (403).
 */
import { defineRoutes, signedInUser, type TypeBoxTypeProvider } from "@roa2web/plugin-sdk";
import { BOOKS_CURRENCY } from "../currencies.js";
import type { Receipt } from "../entities.js";
import { balanceOf } from "../entries.js";
import {
  EntriesNotInLeiError,
  IncompleteReceiptError,
  InvalidFieldError,
  NoExchangeRateError,
  PeriodClosedError,
  ReviewerIsAuthorError,
  TransitionNotAllowedError,
  UnbalancedEntriesError,
} from "../errors.js";
import type { plugin } from "../plugin.js";
import { missingFields } from "../receipt-rules.js";
import { type IdParams, type ReasonBody, transitionRouteSchema } from "../schemas.js";
import { closedPeriodOf, visibleReceipt } from "../services.js";
import { toReceiptView } from "../views.js";
import {
  allowedTransitions,
  isReview,
  permissionFor,
  reviewConflict,
  TRANSITIONS,
  transitionFor,
  type WorkflowAction,
} from "../workflow.js";

const SUMMARIES: Record<WorkflowAction, string> = {
  submit: "Send a DRAFT receipt for approval (its entries must balance)",
  approve: "Approve a PENDING receipt; it can no longer change",
  reject: "Reject a PENDING receipt, saying why",
  reopen: "Take a REJECTED receipt back to DRAFT to correct it",
};

export default defineRoutes<typeof plugin>(async (fastify, { deps, state }) => {
  // Request and answer types come from the schemas (schemas.ts).
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { settings, store, rates, receiptEvents } = state;

  /** A receipt not in lei is submitted only with entries proposed at its date's BNR rate. */
  async function assertBookedInLei(receipt: Receipt): Promise<void> {
    const { currency, date } = receipt;
    if (currency === null || date === null || currency === BOOKS_CURRENCY) return;
    const rate = await rates.inForce(currency, date);
    if (rate === null) throw new NoExchangeRateError(currency, date);
    if (receipt.exchangeRate !== rate.rate || receipt.rateDate !== rate.date) {
      throw new EntriesNotInLeiError(receipt.id, currency);
    }
  }
  const actions = [...new Set(TRANSITIONS.map((transition) => transition.action))];

  for (const action of actions) {
    const needsReason = TRANSITIONS.some((t) => t.action === action && t.needsReason);
    // One schema per move, with a body only for those that need a reason.
    app.post<{ Params: IdParams; Body: ReasonBody | undefined }>(
      `/receipts/:id/${action}`,
      {
        config: { access: permissionFor(action) },
        schema: transitionRouteSchema(SUMMARIES[action], needsReason),
      },
      async (request) => {
        const user = signedInUser(request);
        const receipt = await visibleReceipt(store, user, request.params.id);
        const transition = transitionFor(receipt.status, action);
        if (!transition) {
          throw new TransitionNotAllowedError(
            receipt.id,
            receipt.status,
            action,
            allowedTransitions(receipt.status),
          );
        }
        if (settings.approverNotCreator && isReview(action)) {
          const role = reviewConflict(
            receipt.createdBy,
            await store.history(receipt.id),
            user.username,
          );
          if (role) throw new ReviewerIsAuthorError(receipt.id, action, role);
        }
        if (action === "submit") await assertBookedInLei(receipt);
        let reason: string | null = null;
        if (transition.needsReason) {
          reason = request.body?.reason?.trim() ?? "";
          if (reason === "") throw new InvalidFieldError("body.reason", "must not be blank");
        }
        // Approving books the receipt: not into a month the ERP has closed. Submitting
        // is still allowed (the page warns), so an approver can decide the date with the clerk.
        if (action === "approve" && receipt.date) {
          const closed = await closedPeriodOf(deps.erp, receipt.companyId, receipt.date);
          if (closed) throw new PeriodClosedError(receipt.id, closed);
        }
        const mover = { id: user.id, username: user.username };
        const moved = await store.transition(receipt, transition, mover, reason, (entries) => {
          if (action !== "submit") return;
          const missing = missingFields(receipt);
          if (missing.length > 0) throw new IncompleteReceiptError(receipt.id, missing);
          const balance = balanceOf(entries);
          if (!balance.balanced) {
            throw new UnbalancedEntriesError(balance.debit, balance.credit, balance.lines);
          }
        });
        deps.logger.info(
          { reqId: request.id, receiptId: receipt.id, from: transition.from, to: transition.to },
          "Receipt moved",
        );
        // Committed: only now may other plugins hear of it.
        await receiptEvents.announce(action, moved, user);
        return toReceiptView(moved.receipt);
      },
    );
  }
});
