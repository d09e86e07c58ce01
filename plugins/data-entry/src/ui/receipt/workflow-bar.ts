/**
 * <data-entry-workflow>: the receipt's next steps — submit, approve, reject (asking
 * for the reason in a dialog), reopen, delete (after a confirmation) — as the receipt
 * and the user's permissions allow, with why a step is blocked. It calls the server
 * and says how it went; `receipt-changed` asks the page to read the receipt again.
 */
import {
  ApiError,
  api,
  createRef,
  css,
  FollowLocale,
  html,
  LitElement,
  navigate,
  nothing,
  ref,
  sharedStyles,
  shellState,
  t,
  toast,
  toastError,
} from "@roa2web/ui-shell/api";
import type { EntriesState } from "../entries-grid.js";
import type { Receipt, ReceiptDetail, WorkflowAction } from "../types.js";
import { partStyles } from "./styles.js";
import { fieldLabels } from "./texts.js";

const BASE = "/api/data-entry";

const ACTION_PERMISSION: Record<WorkflowAction, string> = {
  submit: "data-entry:write",
  reopen: "data-entry:write",
  approve: "data-entry:approve",
  reject: "data-entry:approve",
};

const isReview = (action: WorkflowAction) => action === "approve" || action === "reject";

export class DataEntryWorkflow extends LitElement {
  static override properties = {
    receipt: { attribute: false },
    entries: { attribute: false },
    busyAction: { state: true },
  };
  static override styles = [
    sharedStyles,
    partStyles,
    css`
      dialog {
        border: 1px solid var(--roa-border);
        border-radius: var(--roa-radius-lg);
        padding: var(--roa-space-4);
        width: min(28rem, calc(100vw - 2rem));
        color: var(--roa-text);
        background: var(--roa-surface);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.4);
      }
      dialog form {
        display: grid;
        gap: var(--roa-space-3);
      }
      textarea {
        width: 100%;
      }
    `,
  ];

  declare receipt: ReceiptDetail | undefined;
  /** The entries grid's state: submitting waits for balanced, saved lines. */
  declare entries: EntriesState | undefined;
  declare busyAction: WorkflowAction | undefined;
  #rejectDialog = createRef<HTMLDialogElement>();
  #deleteDialog = createRef<HTMLDialogElement>();
  #reason = createRef<HTMLTextAreaElement>();
  #opener: HTMLElement | null = null;

  constructor() {
    super();
    new FollowLocale(this);
  }

  override render() {
    const receipt = this.receipt;
    if (!receipt) return nothing;
    return html`${this.#section(receipt)}${this.#dialogs()}`;
  }

  #section(receipt: ReceiptDetail) {
    const actions = receipt.allowed_transitions.filter((choice) =>
      shellState.can(ACTION_PERMISSION[choice.action]),
    );
    // Segregation of duties: shown disabled, with the reason below, rather than hidden.
    const reviewBlocked = receipt.review_blocked ?? null;
    const canDelete =
      shellState.can("data-entry:write") &&
      (receipt.status === "DRAFT" || receipt.status === "REJECTED");
    if (actions.length === 0 && !canDelete) return nothing;
    const missing = receipt.missing_fields;
    const submitBlocked =
      missing.length > 0 ||
      (this.entries !== undefined && (!this.entries.balanced || this.entries.dirty));
    const busy = this.busyAction !== undefined;
    return html`<section class="card" aria-labelledby="workflow-title">
      <h2 id="workflow-title">${t("data-entry.workflow.title")}</h2>
      <div class="actions">
        ${actions.map((choice) => {
          if (choice.action === "reject") {
            return html`<button
              type="button"
              class="danger"
              ?disabled=${busy || reviewBlocked !== null}
              @click=${this.#askReason}
            >
              ${t("data-entry.workflow.reject")}
            </button>`;
          }
          const blocked =
            (choice.action === "submit" && submitBlocked) ||
            (isReview(choice.action) && reviewBlocked !== null);
          return html`<button
            type="button"
            class=${choice.action === "approve" || choice.action === "submit" ? "primary" : ""}
            ?disabled=${busy || blocked}
            @click=${() => this.#transition(choice.action)}
          >
            ${t(`data-entry.workflow.${choice.action}`)}
          </button>`;
        })}
        ${
          canDelete
            ? html`<button type="button" class="danger" @click=${() => this.#openDialog(this.#deleteDialog.value)}>
                ${t("data-entry.workflow.delete")}
              </button>`
            : nothing
        }
      </div>
      ${
        reviewBlocked !== null && actions.some((choice) => isReview(choice.action))
          ? html`<p class="muted" data-testid="review-blocked">${t(
              `data-entry.workflow.reviewBlocked.${reviewBlocked}`,
            )}</p>`
          : nothing
      }
      ${
        actions.some((choice) => choice.action === "submit") && submitBlocked
          ? html`<p class="muted" data-testid="submit-blocked">${
              missing.length > 0
                ? t("data-entry.workflow.missing", { fields: fieldLabels(missing) })
                : this.entries?.dirty
                  ? t("data-entry.workflow.saveEntriesFirst")
                  : t("data-entry.workflow.needsEntries")
            }</p>`
          : nothing
      }
    </section>`;
  }

  #dialogs() {
    return html`<dialog
        ${ref(this.#rejectDialog)}
        aria-labelledby="reject-title"
        @close=${() => this.#restoreFocus()}
      >
        <form @submit=${this.#confirmReject}>
          <h2 id="reject-title">${t("data-entry.workflow.rejectTitle")}</h2>
          <label>
            ${t("data-entry.workflow.reason")}
            <textarea ${ref(this.#reason)} name="reason" rows="3" required maxlength="1000"></textarea>
          </label>
          <div class="actions">
            <button type="button" @click=${() => this.#rejectDialog.value?.close()}>
              ${t("data-entry.cancel")}
            </button>
            <button type="submit" class="danger">${t("data-entry.workflow.confirmReject")}</button>
          </div>
        </form>
      </dialog>
      <dialog
        ${ref(this.#deleteDialog)}
        aria-labelledby="delete-title"
        @close=${() => this.#restoreFocus()}
      >
        <form @submit=${this.#confirmDelete}>
          <h2 id="delete-title">${t("data-entry.workflow.deleteTitle")}</h2>
          <p>${t("data-entry.workflow.deleteText")}</p>
          <div class="actions">
            <button type="button" autofocus @click=${() => this.#deleteDialog.value?.close()}>
              ${t("data-entry.cancel")}
            </button>
            <button type="submit" class="danger">${t("data-entry.workflow.confirmDelete")}</button>
          </div>
        </form>
      </dialog>`;
  }

  #askReason(): void {
    const reason = this.#reason.value;
    if (reason) {
      reason.value = "";
      reason.removeAttribute("aria-invalid");
    }
    this.#openDialog(this.#rejectDialog.value, reason);
  }

  #openDialog(dialog: HTMLDialogElement | undefined, focus?: HTMLElement): void {
    if (!dialog) return;
    this.#opener = (this.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    dialog.showModal();
    focus?.focus();
  }

  #restoreFocus(): void {
    this.#opener?.focus();
    this.#opener = null;
  }

  async #confirmReject(event: Event): Promise<void> {
    event.preventDefault();
    const textarea = this.#reason.value;
    const reason = textarea?.value.trim() ?? "";
    if (reason === "") {
      textarea?.setAttribute("aria-invalid", "true");
      textarea?.focus();
      return;
    }
    this.#rejectDialog.value?.close();
    await this.#transition("reject", reason);
  }

  async #confirmDelete(event: Event): Promise<void> {
    event.preventDefault();
    this.#deleteDialog.value?.close();
    if (!this.receipt) return;
    try {
      await api.delete(`${BASE}/receipts/${this.receipt.id}`);
      toast(t("data-entry.workflow.deleted"), { kind: "success" });
      navigate("/data-entry");
    } catch (error) {
      toastError(error, { plugin: "data-entry" });
    }
  }

  async #transition(action: WorkflowAction, reason?: string): Promise<void> {
    if (!this.receipt) return;
    this.busyAction = action;
    let done = false;
    try {
      await api.post<Receipt>(
        `${BASE}/receipts/${this.receipt.id}/${action}`,
        reason === undefined ? {} : { reason },
      );
      toast(t(`data-entry.workflow.done.${action}`), { kind: "success" });
      done = true;
    } catch (error) {
      this.#showRefusal(action, error);
    }
    // Whether it moved or not, the receipt may have changed meanwhile: read it again.
    await this.#changed(done);
    this.busyAction = undefined;
  }

  /** A submit refused for what only this UI understands; anything else in the shell's words. */
  #showRefusal(action: WorkflowAction, error: unknown): void {
    const details =
      error instanceof ApiError
        ? (error.details as { lines?: number; missing?: unknown } | undefined)
        : undefined;
    if (action === "submit" && details && Array.isArray(details.missing)) {
      toast(
        t("data-entry.workflow.missing", { fields: fieldLabels(details.missing as string[]) }),
        {
          kind: "error",
        },
      );
    } else if (action === "submit" && details && "lines" in details) {
      toast(t("data-entry.workflow.unbalanced"), { kind: "error" });
    } else {
      toastError(error, { plugin: "data-entry" });
    }
  }

  /** Asks the page to read the receipt again (and, after a move, its entries); waits for it. */
  async #changed(moved: boolean): Promise<void> {
    const reloads: Promise<unknown>[] = [];
    this.dispatchEvent(
      new CustomEvent<ReceiptChange>("receipt-changed", {
        detail: { moved, wait: (reload) => reloads.push(reload) },
        bubbles: true,
        composed: true,
      }),
    );
    await Promise.allSettled(reloads);
  }
}

/** `receipt-changed`: `moved` after a step the server made; `wait` lets the page's reload be awaited. */
export interface ReceiptChange {
  moved: boolean;
  wait(reload: Promise<unknown>): void;
}

if (!customElements.get("data-entry-workflow")) {
  customElements.define("data-entry-workflow", DataEntryWorkflow);
}
