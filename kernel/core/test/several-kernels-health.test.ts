// Health and degradation of three kernels behind nginx on one PostgreSQL and one Redis
// (docs/scaling.md, ADR 0034), on real servers started on loopback for this file:
// `/health` on one kernel names every kernel and the Telegram poller's holder; with
// PostgreSQL killed, writes through nginx answer 503 DATABASE_UNAVAILABLE while cached
// reports keep answering, and once it is restarted writes succeed again by themselves;
// a killed kernel drops out of the peers.
import os from "node:os";
import { describeWithServers } from "@roa2web/test-servers";
import { expect, it } from "vitest";
import { waitFor } from "../../../plugins/telegram/src/fake-bot-api.js";
import { useKernelCluster } from "./helpers/kernel-cluster.js";

const today = new Date().toISOString().slice(0, 10);
const dashboard = `/api/reports/dashboard?company=1&period=${today.slice(0, 7)}`;

interface Peer {
  id: string;
  host: string;
  pid: number;
  version: string;
  last_seen: string;
  this_kernel: boolean;
}

interface Details {
  status: string;
  kernel: { id: string; host: string; pid: number };
  database: {
    engine: string;
    reachable: boolean;
    latency_ms: number | null;
    writes: string;
    lost_since: string | null;
  };
  redis: { configured: boolean; reachable: boolean | null };
  leases: Array<{ name: string; kernel: string; this_kernel: boolean; expires_at: string }>;
  peers: Peer[] | null;
  checks: Array<{ name: string; status: string }>;
  plugins: Array<{ name: string; data?: Record<string, unknown> }>;
}

describeWithServers(["postgres", "redis", "nginx"], "health of three kernels behind nginx", () => {
  const cluster = useKernelCluster({
    fakeBotApi: true,
    env: {
      PEER_HEARTBEAT_MS: "300",
      PEER_FORGET_MS: "3000",
      // Both read the database often: while it is lost they must not log each time.
      PLUGIN_SYNC_INTERVAL_MS: "300",
      AUTH_SESSION_RECHECK_MS: "300",
      TELEGRAM_BOT_TOKEN: "123:health",
      DATA_ENTRY_OCR_ENABLED: "false",
    },
  });
  const { kernel } = cluster;
  // `null`: no Authorization header (an `undefined` argument would take the default).
  const get = (base: string, url: string, bearer: string | null = cluster.token) =>
    fetch(`${base}${url}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const post = (base: string, url: string, body: unknown, bearer: string | null = cluster.token) =>
    fetch(`${base}${url}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify(body),
    });
  const details = async (index: number): Promise<Details> => {
    const response = await get(kernel(index).base, "/health?details=1");
    return (await response.json()) as Details;
  };
  const receipt = (merchant: string) => ({
    company_id: 1,
    merchant,
    tax_id: "RO1590082",
    date: today,
    total: 121,
    vat: 21,
    currency: "RON",
  });
  const pids = () => [0, 1, 2].map((index) => kernel(index).child.pid);

  it("names on one kernel every kernel sharing the database, the database, Redis and the poller's holder", async () => {
    await waitFor(
      async () => (await details(0)).peers?.length === 3,
      "kernel 0 to see three peers",
      20_000,
    );
    await waitFor(
      async () => (await details(0)).leases.some((lease) => lease.name === "telegram.poller"),
      "a Telegram poller",
      20_000,
    );
    const seen = await details(0);
    expect(seen.kernel.pid).toBe(kernel(0).child.pid);
    expect(seen.kernel.host).toBe(os.hostname());
    const peers = seen.peers ?? [];
    expect(peers[0]).toMatchObject({ id: seen.kernel.id, this_kernel: true });
    expect(peers.map((peer) => peer.pid).sort()).toEqual(pids().sort());
    for (const peer of peers) {
      expect(peer.host).toBe(os.hostname());
      expect(peer.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(Date.now() - Date.parse(peer.last_seen)).toBeLessThan(3000);
    }
    expect(seen.database).toMatchObject({
      engine: "postgres",
      reachable: true,
      writes: "accepted",
      lost_since: null,
    });
    expect(typeof seen.database.latency_ms).toBe("number");
    expect(seen.redis).toEqual({ configured: true, reachable: true });
    // The lease names the kernel that polls, which says so itself.
    const poller = seen.leases.find((lease) => lease.name === "telegram.poller");
    const holder = peers.find((peer) => peer.id === poller?.kernel);
    expect(holder).toBeDefined();
    const holderIndex = pids().indexOf(holder?.pid);
    const telegram = (await details(holderIndex)).plugins.find(
      (plugin) => plugin.name === "telegram",
    );
    expect(telegram?.data?.poller).toBe("this kernel");
    // Anyone gets the status only: no kernel id, host or pid.
    const open = await get(cluster.base, "/health", null);
    expect(open.status).toBe(200);
    const text = await open.text();
    expect(text).not.toContain(seen.kernel.id);
    expect(text).not.toContain(os.hostname());
    expect(Object.keys(JSON.parse(text)).sort()).toEqual(["checks", "plugins", "status"]);
  });

  it("refuses writes with 503 while PostgreSQL is lost, keeps serving cached reports, and writes again once it is back", {
    timeout: 120_000,
  }, async () => {
    // Each kernel has the dashboard cached before the database goes.
    for (const index of [0, 1, 2])
      expect((await get(kernel(index).base, dashboard)).status).toBe(200);
    await cluster.postgres.kill();
    try {
      // Three writes through nginx, whichever kernel each reaches (the first may be the
      // one that finds out: its query fails, and it answers the same 503).
      for (let i = 0; i < 3; i += 1) {
        const refused = await post(cluster.base, "/api/data-entry/receipts", receipt(`Lost ${i}`));
        expect(refused.status, await refused.clone().text()).toBe(503);
        expect(refused.headers.get("retry-after")).toBe("5");
        const body = (await refused.json()) as {
          error: { code: string; message: string; request_id: string };
        };
        expect(body.error.code).toBe("DATABASE_UNAVAILABLE");
        expect(body.error.message).toContain("nothing was saved");
      }
      // Signing in writes a refresh token: refused the same way, on every kernel.
      for (const index of [0, 1, 2]) {
        const signIn = await post(
          kernel(index).base,
          "/api/auth/login",
          { username: "demo", password: "demo" },
          null,
        );
        expect(signIn.status, await signIn.clone().text()).toBe(503);
      }
      // Cached reports carry on through nginx, as if nothing happened.
      for (let i = 0; i < 6; i += 1) {
        const report = await get(cluster.base, dashboard);
        expect(report.status).toBe(200);
        expect(report.headers.get("x-cache")).toMatch(/^HIT/);
      }
      // /health says the database is down, and the node degraded (200): every kernel
      // shares the loss, none should leave the load balancer for it.
      const response = await get(kernel(0).base, "/health?details=1");
      expect(response.status).toBe(200);
      const seen = (await response.json()) as Details;
      expect(seen.status).toBe("degraded");
      expect(seen.database).toMatchObject({
        engine: "postgres",
        reachable: false,
        writes: "refused",
        latency_ms: null,
      });
      expect(seen.checks.find((check) => check.name === "kernel-database")?.status).toBe("down");
      const open = (await (await get(cluster.base, "/health", null)).json()) as Details;
      expect(open.checks.find((check) => check.name === "kernel-database")?.status).toBe("down");
    } finally {
      await cluster.postgres.restart();
    }
    // Back by itself: within seconds a write through nginx is saved.
    await waitFor(
      async () =>
        (await post(cluster.base, "/api/data-entry/receipts", receipt("Back again"))).status ===
        201,
      "a write to succeed after PostgreSQL restarted",
      20_000,
    );
    for (const index of [0, 1, 2]) {
      await waitFor(
        async () => (await details(index)).database.writes === "accepted",
        `kernel ${index} to accept writes`,
        20_000,
      );
    }
    // Each kernel said it once each way, and nothing else complained every round.
    for (const index of [0, 1, 2]) {
      const said = (message: string) =>
        kernel(index).lines.filter((line) => String(line.msg).startsWith(message)).length;
      expect(said("Lost the database"), `kernel ${index}`).toBe(1);
      expect(said("The database is back"), `kernel ${index}`).toBe(1);
      expect(said("Could not read the plugins' state"), `kernel ${index}`).toBe(0);
      expect(said("Could not re-read which sessions ended"), `kernel ${index}`).toBe(0);
    }
    // Nothing of the refused writes was saved.
    const list = await get(cluster.base, "/api/data-entry/receipts?company=1&page_size=100");
    expect(list.status, await list.clone().text()).toBe(200);
    const { items } = (await list.json()) as { items: Array<{ merchant: string }> };
    expect(items.filter((item) => item.merchant.startsWith("Lost "))).toEqual([]);
    expect(items.some((item) => item.merchant === "Back again")).toBe(true);
  });

  it("drops a killed kernel from the peers once it has not been seen for PEER_FORGET_MS", async () => {
    await waitFor(async () => (await details(0)).peers?.length === 3, "three peers again", 20_000);
    const gone = kernel(2).child.pid;
    await cluster.kill(2);
    await waitFor(
      async () => {
        const peers = (await details(0)).peers ?? [];
        return peers.length === 2 && !peers.some((peer) => peer.pid === gone);
      },
      "kernel 2 to drop out of the peers",
      20_000,
    );
    expect(((await details(1)).peers ?? []).map((peer) => peer.pid).sort()).toEqual(
      [kernel(0).child.pid, kernel(1).child.pid].sort(),
    );
  });
});
