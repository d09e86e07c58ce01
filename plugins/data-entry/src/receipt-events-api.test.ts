/**
 * The receipt events as another plugin hears them: one per committed move of the
 * workflow, with the receipt's company, people and amounts, and none for a move that
 * was refused or rolled back. Served by a real kernel loading the BUILT plugin.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ReceiptApproved,
  type ReceiptRejected,
  type ReceiptSubmitted,
  receiptApproved,
  receiptRejected,
  receiptSubmitted,
} from "@roa2web/data-entry-contract";
import { startTestKernel, type TestKernel } from "@roa2web/kernel/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const api = "/api/data-entry";
const EVENTS = [receiptSubmitted, receiptApproved, receiptRejected];

type Heard = {
  event: string;
  sender: string;
  payload: ReceiptSubmitted & Partial<ReceiptApproved & ReceiptRejected>;
};
type Who = "clerk" | "approver" | "admin";

let t: TestKernel;
const tokens = {} as Record<Who, string>;
const ids = {} as Record<Exclude<Who, "admin">, number>;
let companyName: string;

/** Every event heard, in order, and a way to wait for the next ones (no timers). */
const heard: Heard[] = [];
let wake: (() => void) | null = null;
async function hearUntil(count: number): Promise<Heard[]> {
  while (heard.length < count) await new Promise<void>((resolve) => (wake = resolve));
  return heard.splice(0, count);
}

beforeAll(async () => {
  // Reports too: it subscribes to approvals, and a subscriber must never change the outcome.
  t = await startTestKernel({
    plugins: [packageRoot, path.join(path.dirname(packageRoot), "reports")],
    env: { DATA_ENTRY_OCR_ENABLED: "false" },
  });
  if (t.kernel.plugins.get("data-entry")?.state !== "enabled") {
    throw new Error("data-entry did not start: build it first (pnpm --filter … build)");
  }
  for (const ref of EVENTS) {
    t.on(ref, (payload: Heard["payload"], { sender, event }) => {
      heard.push({ event, sender, payload });
      wake?.();
    });
  }
  tokens.admin = await t.login();
  const grants: Array<[Exclude<Who, "admin">, string[]]> = [
    ["clerk", ["data-entry:read", "data-entry:write"]],
    ["approver", ["data-entry:read", "data-entry:approve"]],
  ];
  for (const [username, permissions] of grants) {
    const created = await t.kernel.users.create({
      username,
      displayName: `${username[0]?.toUpperCase()}${username.slice(1)} Popescu`,
      password: `${username}-pass`,
      permissions,
      companies: [1],
    });
    ids[username] = created.id;
    tokens[username] = await t.login(username, `${username}-pass`);
  }
  const companies = await t.inject({
    method: "GET",
    url: "/api/companies",
    headers: { authorization: `Bearer ${tokens.admin}` },
  });
  companyName = (companies.json().items as Array<{ id: number; name: string }>).find(
    (company) => company.id === 1,
  )?.name as string;
  expect(companyName).toBeTruthy();
});
afterAll(async () => t?.close());

function call(who: Who, url: string, payload?: object, method: "POST" | "GET" | "PUT" = "POST") {
  return t.inject({
    method,
    url: `${api}${url}`,
    headers: { authorization: `Bearer ${tokens[who]}` },
    payload,
  });
}

const today = new Date().toISOString().slice(0, 10);

/** A DRAFT receipt with balanced entries, ready to submit. */
async function draft(change: Record<string, unknown> = {}): Promise<number> {
  const created = await call("clerk", "/receipts", {
    company_id: 1,
    merchant: "OMV Petrom",
    tax_id: "RO1590082",
    date: today,
    total: 121,
    vat: 21,
    currency: "RON",
    ...change,
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as number;
  const proposed = await call("clerk", `/receipts/${id}/entries/propose`, {});
  expect(proposed.statusCode, proposed.body).toBe(200);
  return id;
}

async function move(who: Who, id: number, action: string, body?: object, status = 200) {
  const response = await call(who, `/receipts/${id}/${action}`, body);
  expect(response.statusCode, `${action} ${id}: ${response.body}`).toBe(status);
  return response;
}

describe("receipt events", () => {
  it("announces a submission with the company, the submitter and the amounts", async () => {
    const id = await draft();
    await move("clerk", id, "submit");
    const [submitted] = await hearUntil(1);
    expect(submitted).toEqual({
      event: "data-entry.receipt.submitted",
      sender: "data-entry",
      payload: {
        receiptId: id,
        companyId: 1,
        companyName,
        submittedBy: { userId: ids.clerk, name: "Clerk Popescu" },
        documentNumber: null,
        documentDate: today,
        partner: "OMV Petrom",
        amounts: { total: 121, vat: 21, currency: "RON", totalLei: 121 },
      },
    });
  });

  it("announces an approval and a rejection with who decided, who submitted and why", async () => {
    const approved = await draft();
    const rejected = await draft({ merchant: "Lukoil", tax_id: "" });
    await move("clerk", approved, "submit");
    await move("clerk", rejected, "submit");
    await hearUntil(2);
    await move("approver", approved, "approve");
    await move("approver", rejected, "reject", { reason: "  Wrong date " });
    const [approval, rejection] = await hearUntil(2);
    expect(approval?.event).toBe("data-entry.receipt.approved");
    expect(approval?.payload).toEqual({
      receiptId: approved,
      companyId: 1,
      companyName,
      // The history keeps the user name; the display name is only known while they act.
      submittedBy: { userId: ids.clerk, name: "clerk" },
      decidedBy: { userId: ids.approver, name: "Approver Popescu" },
      documentNumber: null,
      documentDate: today,
      partner: "OMV Petrom",
      amounts: { total: 121, vat: 21, currency: "RON", totalLei: 121 },
    });
    expect(rejection?.event).toBe("data-entry.receipt.rejected");
    expect(rejection?.payload).toMatchObject({
      receiptId: rejected,
      partner: "Lukoil",
      submittedBy: { userId: ids.clerk, name: "clerk" },
      decidedBy: { userId: ids.approver, name: "Approver Popescu" },
      reason: "Wrong date",
    });
  });

  it("gives a foreign-currency receipt's total in lei at the rate its entries used", async () => {
    // A Thursday two months back: inside the demo ERP's rates.
    const day = new Date();
    day.setUTCDate(day.getUTCDate() - 60);
    day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 3) % 7));
    const date = day.toISOString().slice(0, 10);
    const id = await draft({ date, currency: "EUR", total: 15.69, vat: 0.62 });
    const { exchange } = (await call("clerk", `/receipts/${id}`, undefined, "GET")).json();
    expect(exchange.total_ron).toBeGreaterThan(15.69);
    await move("clerk", id, "submit");
    const [submitted] = await hearUntil(1);
    expect(submitted?.payload.amounts).toEqual({
      total: 15.69,
      vat: 0.62,
      currency: "EUR",
      totalLei: exchange.total_ron,
    });
  });

  it("announces nothing for a refused or rolled-back move, nor for reopening", async () => {
    const pending = await draft();
    await move("clerk", pending, "submit");
    await hearUntil(1);
    // Refused before any write: not allowed from the status, no permission, no reason.
    await move("approver", pending, "submit", undefined, 403);
    await move("admin", pending, "submit", undefined, 409);
    await move("approver", pending, "reject", { reason: " " }, 400);
    // Refused inside the transaction (rolled back): entries that do not balance.
    const unbalanced = await draft();
    const replaced = await call(
      "clerk",
      `/receipts/${unbalanced}/entries`,
      {
        entries: [
          { account: "604", side: "debit", amount: 100 },
          { account: "401", side: "credit", amount: 99.99 },
        ],
      },
      "PUT",
    );
    expect(replaced.statusCode, replaced.body).toBe(200);
    await move("clerk", unbalanced, "submit", undefined, 409);
    // Refused by the ERP's closed period (the demo ERP closes all but its last two months).
    const closed = await draft({ date: "2025-01-20" });
    await move("clerk", closed, "submit");
    expect((await hearUntil(1))[0]?.payload.receiptId).toBe(closed);
    await move("approver", closed, "approve", undefined, 409);
    // Reopening a rejected receipt is a move, but nobody needs telling.
    await move("approver", closed, "reject", { reason: "Closed month" });
    expect((await hearUntil(1))[0]?.event).toBe("data-entry.receipt.rejected");
    await move("clerk", closed, "reopen");
    // A move that is announced, after all of them: it must be the only one heard.
    await move("approver", pending, "approve");
    expect((await hearUntil(1))[0]).toMatchObject({
      event: "data-entry.receipt.approved",
      payload: { receiptId: pending },
    });
    expect(heard).toEqual([]);
  });

  it("announces a receipt approved twice at once only for the approval that won", async () => {
    const id = await draft();
    await move("clerk", id, "submit");
    await hearUntil(1);
    const answers = await Promise.all([
      call("approver", `/receipts/${id}/approve`),
      call("admin", `/receipts/${id}/approve`),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    const barrier = await draft();
    await move("clerk", barrier, "submit");
    const events = await hearUntil(2);
    expect(events.map(({ event, payload }) => [event, payload.receiptId])).toEqual([
      ["data-entry.receipt.approved", id],
      ["data-entry.receipt.submitted", barrier],
    ]);
    expect(heard).toEqual([]);
  });
});
