import type { TestKernel } from "@roa2web/kernel/testing";
import type { Caller } from "@roa2web/plugin-sdk";
import {
  type DashboardReport,
  type ReportQueries,
  reportsQueries,
} from "@roa2web/reports-contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBotApi, linkChat, waitFor } from "./fake-bot-api.js";
import { startBotKernel } from "./test/bot-kernel.js";
import { botTexts } from "./texts.js";

/** What the bot says to a Telegram client in English (or in no language it reads). */
const EN = botTexts("en");

const rita = { id: 6001, first_name: "Rita" };

let t: TestKernel;
let api: FakeBotApi;
/** Withdraws the stand-in reports service (the reports plugin switched off). */
let withdrawReports: () => void;
let ritaId = 0;
const callers: Caller[] = [];

const dashboard = (company: number): DashboardReport => ({
  company_id: company,
  period: {
    from: "2026-11-01",
    to: "2026-11-30",
    label: "11.2026",
    as_of: "2026-11-30",
    closed: false,
  },
  revenue: 1500,
  expenses: 500,
  result: 1000,
  cash: 10,
  bank: 20,
  receivables: { total: 0, overdue: 0 },
  payables: { total: 0, overdue: 0 },
  series: [],
});

const notAskedHere = async (): Promise<never> => {
  throw new Error("only the dashboard is asked for in this test");
};

/** The provider's factory: only `dashboard` is asked for here. */
const factory = (caller: Caller): ReportQueries => ({
  dashboard: async (params) => {
    callers.push(caller);
    return { report: dashboard(params.company), source: "MISS", storedAt: Date.now() };
  },
  invoices: notAskedHere,
  aging: notAskedHere,
  treasury: notAskedHere,
  trialBalance: notAskedHere,
});

async function say(text: string): Promise<string | undefined> {
  const before = api.textsTo(rita.id).length;
  api.pushText(rita, text);
  await waitFor(() => api.textsTo(rita.id).length > before, `the reply to ${text}`);
  return api.textsTo(rita.id).at(-1);
}

beforeAll(async () => {
  ({ t, api } = await startBotKernel());
  withdrawReports = t.provide(reportsQueries, factory);
  ritaId = (
    await t.kernel.users.create({
      username: "rita",
      password: "rita-pass",
      permissions: ["telegram:link", "reports:read"],
      companies: [2],
    })
  ).id;
  expect(await linkChat(t, api, rita, await t.login("rita", "rita-pass"))).toContain("Linked");
});
afterAll(async () => {
  await t?.close();
  await api?.close();
});

describe("report commands", () => {
  it("ask reports.queries for the linked user, with the grants the kernel holds now", async () => {
    const text = await say("/dashboard");
    expect(text).toContain("Revenue: <b>1.500,00 RON</b>");
    expect(callers).toHaveLength(1);
    expect(callers[0]).toMatchObject({
      kind: "user",
      via: "telegram",
      user: {
        id: ritaId,
        username: "rita",
        companies: [2],
        permissions: ["telegram:link", "reports:read"],
      },
    });
  });

  it("say the reports module is off while nobody provides the service", async () => {
    withdrawReports();
    try {
      expect(await say("/dashboard")).toBe(EN.reportsOff);
      expect(callers).toHaveLength(1);
    } finally {
      withdrawReports = t.provide(reportsQueries, factory);
    }
  });
});
