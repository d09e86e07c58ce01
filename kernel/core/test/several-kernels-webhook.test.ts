// Telegram in webhook mode behind nginx (docs/scaling.md): three kernels on one
// PostgreSQL and one Redis, Telegram (the fake Bot API) posting updates to nginx. Any
// kernel takes an update (the secret checked on each); the links live in the shared
// database, so a code made on one kernel links a chat whose next update another kernel
// answers; one kernel registers the webhook (the lease holder), not all three; and an
// update delivered twice — Telegram redelivers one whose answer timed out, and the
// balancer may send the copy to another kernel — is answered once.
import { describeWithServers } from "@roa2web/test-servers";
import { expect, it } from "vitest";
import { waitFor } from "../../../plugins/telegram/src/fake-bot-api.js";
import { useKernelCluster } from "./helpers/kernel-cluster.js";

// The bot's English replies, by how they begin (a kernel test reads no plugin source).
const HELP = /^<b>roa2web bot<\/b>\n\/link CODE/;
const NOT_LINKED = /^This Telegram account is not linked to roa2web yet/;
const SECRET = "cluster-webhook-secret-0123456789";
const WEBHOOK_URL = "https://bot.example.test/api/telegram/webhook";

describeWithServers(["postgres", "redis", "nginx"], "Telegram webhook behind nginx", () => {
  const cluster = useKernelCluster({
    fakeBotApi: true,
    env: {
      TELEGRAM_BOT_TOKEN: "123:cluster",
      TELEGRAM_WEBHOOK_URL: WEBHOOK_URL,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      // A kernel that stops must not take the webhook away from the others.
      TELEGRAM_WEBHOOK_DELETE_ON_STOP: "true",
      DATA_ENTRY_OCR_ENABLED: "false",
    },
  });
  const { api } = cluster;
  const base = (index: number) => cluster.kernel(index).base;
  const deliver = (to: string, update: unknown, secret = SECRET) =>
    fetch(`${to}/api/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body: JSON.stringify(update),
    });
  const telegramHealth = async (index: number) => {
    const response = await fetch(`${base(index)}/health?details=1`, {
      headers: { authorization: `Bearer ${cluster.token}` },
    });
    const body = (await response.json()) as {
      plugins: Array<{ name: string; status: string; data?: Record<string, unknown> }>;
    };
    return body.plugins.find((plugin) => plugin.name === "telegram");
  };

  it("registers the webhook from one kernel only; the others say they take updates too", async () => {
    const everyKernel = () => Promise.all([0, 1, 2].map(telegramHealth));
    await waitFor(
      async () =>
        (await everyKernel()).some(
          (health) => health?.status === "up" && health.data?.webhook === "this kernel",
        ),
      "the webhook registered",
      30_000,
    );
    await waitFor(
      async () =>
        (await everyKernel()).filter((health) => health?.data?.webhook === "another kernel")
          .length === 2,
      "the others see who registered it",
      10_000,
    );
    const health = await everyKernel();
    expect(health.map((one) => one?.status)).toEqual(["up", "up", "up"]);
    expect(health.filter((one) => one?.data?.webhook === "this kernel")).toHaveLength(1);
    expect(api.callsOf("setWebhook")).toHaveLength(1);
    expect(api.callsOf("setWebhook")[0]?.body).toMatchObject({
      url: WEBHOOK_URL,
      secret_token: SECRET,
    });
    expect(api.callsOf("getUpdates")).toHaveLength(0);
  });

  it("takes updates through nginx on every kernel, each answered once, and checks the secret on each", async () => {
    const users = Array.from({ length: 6 }, (_, index) => ({
      id: 5000 + index,
      first_name: `User ${index}`,
    }));
    for (const user of users) {
      const response = await deliver(cluster.base, api.textUpdate(user, "/help"));
      expect(response.status).toBe(200);
    }
    for (const user of users) {
      await waitFor(() => api.textsTo(user.id).length > 0, `the reply to ${user.first_name}`);
    }
    for (const user of users) {
      expect(api.textsTo(user.id)).toHaveLength(1);
      expect(api.textsTo(user.id)[0]).toMatch(HELP);
    }
    // Round robin: every kernel took some of them.
    for (const index of [0, 1, 2]) {
      expect((await telegramHealth(index))?.data?.last_update_at).not.toBeNull();
    }
    const stranger = { id: 5100, first_name: "Stranger" };
    for (const index of [0, 1, 2]) {
      expect((await deliver(base(index), api.textUpdate(stranger, "/help"), "wrong")).status).toBe(
        403,
      );
    }
    expect(api.textsTo(stranger.id)).toEqual([]);
  });

  it("answers an update delivered to several kernels at once only once", async () => {
    const user = { id: 5200, first_name: "Twice" };
    const update = api.textUpdate(user, "/help");
    const answers = await Promise.all([0, 1, 2].map((index) => deliver(base(index), update)));
    // Every copy is acknowledged (Telegram must stop redelivering it)...
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await waitFor(() => api.textsTo(user.id).length > 0, "the reply");
    // ...and later copies too, on any kernel; then a new update, answered after them.
    expect((await deliver(base(2), update)).status).toBe(200);
    expect((await deliver(cluster.base, update)).status).toBe(200);
    expect((await deliver(base(1), api.textUpdate(user, "/dashboard"))).status).toBe(200);
    await waitFor(
      () => api.textsTo(user.id).some((text) => NOT_LINKED.test(text)),
      "the /dashboard reply",
    );
    const texts = api.textsTo(user.id);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(HELP);
    expect(texts[1]).toMatch(NOT_LINKED);
  });

  it("links a chat with a code made on one kernel and answers it as linked on the others", async () => {
    const user = { id: 5300, first_name: "Linked" };
    const made = await fetch(`${base(0)}/api/telegram/auth/codes`, {
      method: "POST",
      headers: { authorization: `Bearer ${cluster.token}` },
    });
    expect(made.status).toBe(201);
    const { code } = (await made.json()) as { code: string };
    expect((await deliver(base(1), api.textUpdate(user, `/link ${code}`))).status).toBe(200);
    await waitFor(() => api.textsTo(user.id).length > 0, "the /link reply");
    expect(api.textsTo(user.id)[0]).toContain("Linked to roa2web as");
    expect((await deliver(base(2), api.textUpdate(user, "/dashboard"))).status).toBe(200);
    await waitFor(() => api.textsTo(user.id).length > 1, "the /dashboard reply");
    expect(api.textsTo(user.id)[1]).toContain("Revenue: <b>");
  });

  it("keeps the webhook when a kernel that did not register it stops, and hands registration over when the one that did stops", async () => {
    const roles = await Promise.all(
      [0, 1, 2].map(async (index) => (await telegramHealth(index))?.data?.webhook),
    );
    const holder = roles.indexOf("this kernel");
    const other = [0, 1, 2].find((index) => index !== holder) as number;
    const stopGracefully = async (index: number) => {
      const kernel = cluster.kernels[index];
      kernel?.child.kill("SIGTERM");
      await kernel?.exited;
    };
    await stopGracefully(other);
    expect(api.callsOf("deleteWebhook")).toHaveLength(0);
    await stopGracefully(holder);
    // The holder deletes it as configured, then another kernel takes the lease and sets it.
    expect(api.callsOf("deleteWebhook")).toHaveLength(1);
    const last = [0, 1, 2].find((index) => index !== holder && index !== other) as number;
    await waitFor(() => api.callsOf("setWebhook").length === 2, "the webhook set again", 20_000);
    await waitFor(
      async () => (await telegramHealth(last))?.data?.webhook === "this kernel",
      "the last kernel registers it",
      10_000,
    );
    const user = { id: 5400, first_name: "After" };
    expect((await deliver(cluster.base, api.textUpdate(user, "/help"))).status).toBe(200);
    await waitFor(() => api.textsTo(user.id).length > 0, "the reply after the hand-over");
    expect(api.textsTo(user.id)).toHaveLength(1);
    expect(api.textsTo(user.id)[0]).toMatch(HELP);
  });
});
