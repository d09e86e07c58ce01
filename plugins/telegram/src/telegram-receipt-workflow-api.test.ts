/**
 * Receipt notifications end to end: the real data-entry plugin (built) moves a receipt
 * through its workflow over HTTP and emits its events; the bot, against a fake Bot API,
 * tells the linked approver that it waits and the linked clerk how it was decided.
 * Needs data-entry on contract v2 (it emits the events).
 */
import path from "node:path";
import { receiptApproved, receiptRejected, receiptSubmitted } from "@roa2web/data-entry-contract";
import type { TestKernel } from "@roa2web/kernel/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, linkChat, type TestUser, waitFor } from "./fake-bot-api.js";
import { PACKAGE_ROOT, startBotKernel } from "./test/bot-kernel.js";

const clerk = { id: 7001, first_name: "Clerk", language_code: "en" };
const approver = { id: 7002, first_name: "Approver", language_code: "ro" };

let t: TestKernel;
let api: FakeBotApi;
const tokens: Record<string, string> = {};
/** Events heard by the test, so it waits until the bot has heard them too. */
const heard: string[] = [];
const today = new Date().toISOString().slice(0, 10);

async function linkAs(user: TestUser, bearer: string): Promise<void> {
  await linkChat(t, api, user, bearer);
}

async function call(who: string, url: string, payload: object = {}) {
  const response = await t.inject({
    method: "POST",
    url: `/api/data-entry${url}`,
    headers: { authorization: `Bearer ${tokens[who]}` },
    payload,
  });
  expect(response.statusCode, `${url}: ${response.body}`).toBeLessThan(300);
  return response.json() as { id: number };
}

/** Waits for the next message the bot sends to a user, from `before` on. */
async function nextTo(user: TestUser, before: number): Promise<string> {
  await waitFor(() => api.textsTo(user.id).length > before, `a message to ${user.first_name}`);
  return api.textsTo(user.id)[before] ?? "";
}

beforeAll(async () => {
  ({ t, api } = await startBotKernel({
    plugins: [path.resolve(PACKAGE_ROOT, "../data-entry")],
    env: { TELEGRAM_WEB_URL: "https://erp.example.com" },
  }));
  for (const ref of [receiptSubmitted, receiptApproved, receiptRejected]) {
    t.on<unknown>(ref, (_payload, { event }) => void heard.push(event));
  }
  for (const [user, username, permissions] of [
    [clerk, "clerk", ["telegram:link", "data-entry:read", "data-entry:write"]],
    [approver, "approver", ["telegram:link", "data-entry:read", "data-entry:approve"]],
  ] as const) {
    await t.kernel.users.create({
      username,
      displayName: `${username} Popescu`,
      password: `${username}-pass`,
      permissions: [...permissions],
      companies: [1],
    });
    tokens[username] = await t.login(username, `${username}-pass`);
    await linkAs(user, tokens[username] ?? "");
  }
});
afterAll(async () => {
  await t?.close();
  await api?.close();
});

/** A DRAFT receipt of company 1 with its entries, ready to submit. */
async function draft(merchant: string): Promise<number> {
  const { id } = await call("clerk", "/receipts", {
    company_id: 1,
    merchant,
    tax_id: "RO1590082",
    date: today,
    total: 121,
    vat: 21,
    currency: "RON",
  });
  await call("clerk", `/receipts/${id}/entries/propose`);
  return id;
}

describe("a receipt through data-entry's workflow", () => {
  it("reaches the approver when submitted and the clerk when approved or rejected", async () => {
    const first = await draft("OMV Petrom");
    let before = api.textsTo(approver.id).length;
    await call("clerk", `/receipts/${first}/submit`);
    const waiting = await nextTo(approver, before);
    expect(waiting).toContain(`Bonul nr. ${first} așteaptă aprobarea dvs.`);
    expect(waiting).toContain("Furnizor: OMV Petrom");
    expect(waiting).toContain("Total: <b>121,00 RON</b> (TVA 21,00 RON)");
    expect(waiting).toContain("Trimis de: clerk Popescu");

    before = api.textsTo(clerk.id).length;
    await call("approver", `/receipts/${first}/approve`);
    const approved = await nextTo(clerk, before);
    expect(approved).toContain(`Receipt #${first} was approved</b> by approver Popescu.`);

    const second = await draft("Lukoil");
    await call("clerk", `/receipts/${second}/submit`);
    before = api.textsTo(clerk.id).length;
    await call("approver", `/receipts/${second}/reject`, { reason: "Wrong <date>" });
    const rejected = await nextTo(clerk, before);
    expect(rejected).toContain(`Receipt #${second} was rejected</b> by approver Popescu.`);
    expect(rejected).toContain("Reason: Wrong &lt;date&gt;");

    // The clerk was never told that a receipt waits: they are not an approver.
    await waitFor(() => heard.length >= 4, "the four events");
    expect(api.textsTo(clerk.id).filter((text) => text.includes("waiting"))).toEqual([]);
  });
});
