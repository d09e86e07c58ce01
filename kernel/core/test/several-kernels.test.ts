// Three kernels behind nginx on one PostgreSQL and one Redis (docs/scaling.md), all
// real servers from Debian's packages started on loopback for this file: what one kernel
// does, the others honour — a refresh token reused, a sign-out, a cache invalidation, a
// plugin switched off, the sign-in limit — and exactly one polls Telegram, another
// taking over when its kernel is killed.
import { describeWithServers } from "@roa2web/test-servers";
import { expect, it } from "vitest";
import { waitFor } from "../../../plugins/telegram/src/fake-bot-api.js";
import { useKernelCluster } from "./helpers/kernel-cluster.js";

const today = new Date().toISOString().slice(0, 10);

describeWithServers(["postgres", "redis", "nginx"], "three kernels behind nginx", () => {
  const cluster = useKernelCluster({
    fakeBotApi: true,
    env: {
      PLUGIN_SYNC_INTERVAL_MS: "300",
      AUTH_SESSION_RECHECK_MS: "300",
      TELEGRAM_BOT_TOKEN: "123:cluster",
      DATA_ENTRY_OCR_ENABLED: "false",
      LOGIN_RATE_LIMIT_MAX: "5",
    },
  });
  const { api, kernel } = cluster;
  const get = (base: string, url: string, bearer = cluster.token) =>
    fetch(`${base}${url}`, { headers: { authorization: `Bearer ${bearer}` } });
  const post = (base: string, url: string, body?: unknown, bearer = cluster.token) =>
    fetch(`${base}${url}`, {
      method: "POST",
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it("serves every request through nginx from all three kernels", async () => {
    const pids = new Set<unknown>();
    for (let i = 0; i < 12; i += 1) {
      const response = await get(cluster.base, "/health?details=1");
      expect(response.status).toBe(200);
      const body = (await response.json()) as { process?: { pid?: number } };
      pids.add(body.process?.pid);
    }
    expect(pids.size).toBe(3);
  });

  it("revokes a refresh family everywhere when a rotated token is reused on another kernel", async () => {
    const signIn = await post(
      kernel(0).base,
      "/api/auth/login",
      { username: "demo", password: "demo", refresh_token_in_body: true },
      "",
    );
    const first = (await signIn.json()) as { refresh_token: string };
    const rotated = await post(
      kernel(1).base,
      "/api/auth/refresh",
      {
        refresh_token: first.refresh_token,
      },
      "",
    );
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as { refresh_token: string };
    // The first token again, on a third kernel: theft suspected, the family is revoked.
    const reused = await post(
      kernel(2).base,
      "/api/auth/refresh",
      {
        refresh_token: first.refresh_token,
      },
      "",
    );
    expect(reused.status).toBe(401);
    const afterTheft = await post(
      kernel(0).base,
      "/api/auth/refresh",
      {
        refresh_token: second.refresh_token,
      },
      "",
    );
    expect(afterTheft.status).toBe(401);
  });

  it("refuses a signed-out access token on every kernel", async () => {
    const mine = await cluster.login();
    for (const index of [0, 1, 2])
      expect((await get(kernel(index).base, "/api/auth/me", mine)).status).toBe(200);
    expect((await post(kernel(1).base, "/api/auth/logout", {}, mine)).status).toBe(204);
    for (const index of [0, 1, 2]) {
      await waitFor(
        async () => (await get(kernel(index).base, "/api/auth/me", mine)).status === 401,
        `kernel ${index} to refuse the signed-out token`,
        10_000,
      );
    }
  });

  it("drops a company's cached figures on every kernel when a receipt is approved on one", async () => {
    const dashboard = `/api/reports/dashboard?company=1&period=${today.slice(0, 7)}`;
    const onA = async () => (await get(kernel(0).base, dashboard)).headers.get("x-cache");
    await onA();
    expect(await onA()).toBe("HIT-L1");
    // A receipt approved through kernel 1: reports drops company 1's figures there, and
    // the invalidation reaches kernel 0's memory over Redis.
    const created = await post(kernel(1).base, "/api/data-entry/receipts", {
      company_id: 1,
      merchant: "OMV Petrom",
      tax_id: "RO1590082",
      date: today,
      total: 121,
      vat: 21,
      currency: "RON",
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: number };
    for (const step of ["entries/propose", "submit", "approve"]) {
      const moved = await post(kernel(1).base, `/api/data-entry/receipts/${id}/${step}`, {});
      expect(moved.status, `${step}: ${await moved.clone().text()}`).toBe(200);
    }
    await waitFor(
      async () => (await onA()) === "MISS",
      "kernel 0 to miss after the approval",
      10_000,
    );
  });

  it("counts failed sign-ins from one address against one limit across kernels", async () => {
    // An address of its own (through the trusted proxy header), so the limit it reaches
    // stops no other test.
    const attempt = (index: number) =>
      fetch(`${kernel(index).base}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.7" },
        body: JSON.stringify({ username: `nobody-${Math.random()}`, password: "wrong" }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await attempt(i % 3)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });

  it("switches a plugin off on every kernel when it is disabled through one", async () => {
    const dashboard = `/api/reports/dashboard?company=1&period=${today.slice(0, 7)}`;
    expect((await get(kernel(0).base, dashboard)).status).toBe(200);
    expect((await post(kernel(2).base, "/api/kernel/plugins/reports/disable")).status).toBe(200);
    for (const index of [0, 1]) {
      await waitFor(
        async () => (await get(kernel(index).base, dashboard)).status === 404,
        `reports off on kernel ${index}`,
        10_000,
      );
    }
    expect((await post(kernel(0).base, "/api/kernel/plugins/reports/enable")).status).toBe(200);
    for (const index of [1, 2]) {
      await waitFor(
        async () => (await get(kernel(index).base, dashboard)).status === 200,
        `reports back on kernel ${index}`,
        10_000,
      );
    }
  });

  it("polls Telegram from exactly one kernel, and another takes over when it is killed", async () => {
    const role = async (index: number) => {
      const response = await get(kernel(index).base, "/health?details=1");
      const body = (await response.json()) as {
        plugins: Array<{ name: string; data?: Record<string, unknown> }>;
      };
      return body.plugins.find((plugin) => plugin.name === "telegram")?.data?.poller;
    };
    const roles = async () => Promise.all([0, 1, 2].map(role));
    await waitFor(async () => (await roles()).includes("this kernel"), "one poller", 15_000);
    const now = await roles();
    expect(now.filter((value) => value === "this kernel")).toHaveLength(1);
    const holder = now.indexOf("this kernel");
    await cluster.kill(holder);
    const others = [0, 1, 2].filter((index) => index !== holder);
    await waitFor(
      async () => (await Promise.all(others.map(role))).includes("this kernel"),
      "another kernel to poll",
      20_000,
    );
    expect(api.maxConcurrentPolls).toBe(1);
  });
});
