// Two (or three) real kernel processes over ONE DATA_DIR at once, as during a hand-over
// to a new kernel process (ADR 0025, 0026): migrations run once, exactly one kernel polls
// Telegram and another takes over when it stops or dies, an upload in flight on one
// survives the other's start-time sweep, a receipt awaiting OCR is read once, and an
// event stream on a kernel that stops ends with a reconnect event.
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { syntheticReceipt } from "../../../plugins/data-entry/src/test/synthetic-receipt.js";
import { FakeBotApi, waitFor } from "../../../plugins/telegram/src/fake-bot-api.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";

const folders: string[] = [];
const running: ServerProcess[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill("SIGKILL");
      await server.exited;
    }
  }
});
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function freshDataDir(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "roa2web-two-kernels-"));
  folders.push(folder);
  return folder;
}

async function start(env: Record<string, string>): Promise<ServerProcess> {
  // Plain kernels (no supervisor): what a hand-over overlaps, and what SIGKILL must hit.
  const server = await startServerProcess(
    { ROA2WEB_SUPERVISOR: "off", ...env },
    { startTimeoutMs: 90_000 },
  );
  running.push(server);
  return server;
}

interface HealthBody {
  checks: Array<{ name: string; data?: Record<string, unknown> }>;
  plugins: Array<{ name: string; status: string; data?: Record<string, unknown> }>;
}

async function health(server: ServerProcess, token: string): Promise<HealthBody> {
  const response = await fetch(`${server.base}/health?details=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await response.json()) as HealthBody;
}

/** "this kernel" or "standby": what the Telegram plugin of this kernel says in /health. */
async function pollerRole(server: ServerProcess, token: string): Promise<unknown> {
  const body = await health(server, token);
  return body.plugins.find((plugin) => plugin.name === "telegram")?.data?.poller;
}

function migrationNames(file: string): string[] {
  const database = new Database(file, { readonly: true });
  try {
    return (
      database.prepare("SELECT name FROM migrations ORDER BY id").all() as Array<{
        name: string;
      }>
    ).map((row) => row.name);
  } finally {
    database.close();
  }
}

const BOUNDARY = "roa2web-two-kernels";

/** The multipart body of POST /receipts/from-image, cut in two: head+first bytes, the rest. */
function fromImageBody(image: Buffer, cutAt: number): [Buffer, Buffer] {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="company_id"\r\n\r\n1\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="bon.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return [
    Buffer.concat([head, image.subarray(0, cutAt)]),
    Buffer.concat([image.subarray(cutAt), tail]),
  ];
}

/** A receipt made from an image (a DRAFT with one attachment), in one request. */
async function receiptFromImage(
  server: ServerProcess,
  token: string,
  image: Buffer,
): Promise<{ id: number; attachments: Array<{ id: string }>; ocr_job_id: string | null }> {
  const [first, rest] = fromImageBody(image, 10);
  const response = await fetch(`${server.base}/api/data-entry/receipts/from-image`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
    },
    body: Buffer.concat([first, rest]),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as {
    id: number;
    attachments: Array<{ id: string }>;
    ocr_job_id: string | null;
  };
}

function stopped(server: ServerProcess, signal: NodeJS.Signals): Promise<number | null> {
  (server.child as ChildProcess).kill(signal);
  return server.exited;
}

describe("two kernels over one DATA_DIR", () => {
  const api = new FakeBotApi();
  beforeAll(async () => {
    await api.start();
  });
  afterAll(() => api.close());

  it("start together on a fresh DATA_DIR, migrate once, and poll Telegram on exactly one kernel at a time", {
    timeout: 240_000,
  }, async () => {
    const dataDir = freshDataDir();
    const env = {
      DATA_DIR: dataDir,
      TELEGRAM_BOT_TOKEN: "123:overlap",
      TELEGRAM_API_ROOT: api.url,
      DATA_ENTRY_OCR_ENABLED: "false",
    };
    // Both at the same moment: neither may fail on the other's migrations.
    const [a, b] = await Promise.all([start(env), start(env)]);
    for (const file of [
      path.join(dataDir, "kernel.db"),
      path.join(dataDir, "plugins", "data-entry", "data-entry.db"),
      path.join(dataDir, "plugins", "telegram", "telegram.db"),
    ]) {
      const names = migrationNames(file);
      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names).size, file).toBe(names.length);
    }
    const tokens = new Map([
      [a, await a.login()],
      [b, await b.login()],
    ]);
    const roles = async () => [
      await pollerRole(a, tokens.get(a) ?? ""),
      await pollerRole(b, tokens.get(b) ?? ""),
    ];
    await waitFor(
      async () => (await roles()).includes("this kernel"),
      "one kernel to poll",
      15_000,
    );
    expect((await roles()).sort()).toEqual(["standby", "this kernel"]);
    await waitFor(() => api.callsOf("getUpdates").length > 0, "getUpdates", 15_000);
    // Both kernels name the same holder in /health.
    const leaseOf = async (server: ServerProcess) =>
      (
        (await health(server, tokens.get(server) ?? "")).checks.find(
          (check) => check.name === "leases",
        )?.data?.leases as Record<string, { holder: string }> | undefined
      )?.["telegram.poller"]?.holder;
    const holderId = await leaseOf(a);
    expect(holderId).toBeDefined();
    expect(await leaseOf(b)).toBe(holderId);
    const [holder, standby] =
      (await pollerRole(a, tokens.get(a) ?? "")) === "this kernel" ? [a, b] : [b, a];
    expect(holderId).toContain(`:${holder.child.pid}:`);

    // A graceful stop (a hand-over's drain) releases the lease: the other polls at once.
    const before = api.callsOf("getUpdates").length;
    const stoppedAt = Date.now();
    expect(await stopped(holder, "SIGTERM")).toBe(0);
    await waitFor(
      async () => (await pollerRole(standby, tokens.get(standby) ?? "")) === "this kernel",
      "the standby to poll",
      3000,
    );
    await waitFor(
      () => api.callsOf("getUpdates").length > before,
      "getUpdates from the new poller",
      3000,
    );
    const handedOverMs = Date.now() - stoppedAt;

    // A third kernel stands by; the holder is killed (no release): the lease lapses and
    // the third takes over.
    const c = await start(env);
    const cToken = await c.login();
    expect(await pollerRole(c, cToken)).toBe("standby");
    expect(await stopped(standby, "SIGKILL")).toBe(null);
    await waitFor(
      async () => (await pollerRole(c, cToken)) === "this kernel",
      "the third kernel to poll",
      15_000,
    );
    // Never two getUpdates at once (Telegram would answer 409 Conflict).
    expect(api.maxConcurrentPolls).toBe(1);
    expect(handedOverMs).toBeGreaterThan(0);
  });
  it("keeps an upload in flight on one kernel when another starts and sweeps", {
    timeout: 240_000,
  }, async () => {
    const dataDir = freshDataDir();
    const env = { DATA_DIR: dataDir, DATA_ENTRY_OCR_ENABLED: "false" };
    const a = await start(env);
    const token = await a.login();
    const image = await syntheticReceipt();
    const [first, rest] = fromImageBody(image, 1000);
    // The upload begins on A and stalls half-way (a slow client)…
    let inFlight: http.ClientRequest | undefined;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${a.base}/api/data-entry/receipts/from-image`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
          "content-length": first.length + rest.length,
        },
      });
      request.on("error", reject);
      request.on("response", (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.write(first);
      inFlight = request;
    });
    const attachments = path.join(dataDir, "plugins", "data-entry", "attachments");
    await waitFor(
      () =>
        existsSync(attachments) &&
        readdirSync(attachments).some((name) => name.startsWith(".upload-")),
      "the upload's temporary file",
      15_000,
    );
    // …while B starts on the same DATA_DIR and sweeps what a crash would have left.
    const b = await start(env);
    await b.waitForLine((line) => line.msg === "Data entry plugin started");
    inFlight?.end(rest);
    const { status, body } = await answer;
    expect(status, body).toBe(201);
    const created = JSON.parse(body) as { id: number; attachments: Array<{ id: string }> };
    // The file is there, read through the other kernel too.
    const file = await fetch(`${b.base}/api/data-entry/attachments/${created.attachments[0]?.id}`, {
      headers: { authorization: `Bearer ${await b.login()}` },
    });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(image)).toBe(true);
  });

  it("reads a receipt awaiting OCR once with two kernels started at once, and ends an event stream with a reconnect event when its kernel stops", {
    timeout: 300_000,
  }, async () => {
    const dataDir = freshDataDir();
    // A receipt whose OCR was cut short: made with OCR off, then marked pending with no claim
    // (as a kernel that stopped mid-reading leaves it).
    const first = await start({ DATA_DIR: dataDir, DATA_ENTRY_OCR_ENABLED: "false" });
    const receipt = await receiptFromImage(first, await first.login(), await syntheticReceipt());
    expect(await stopped(first, "SIGTERM")).toBe(0);
    const database = new Database(path.join(dataDir, "plugins", "data-entry", "data-entry.db"));
    database.prepare("UPDATE receipts SET ocr_status = 'pending' WHERE id = ?").run(receipt.id);
    database.close();

    const env = {
      DATA_DIR: dataDir,
      DATA_ENTRY_OCR_ENABLED: "true",
      DATA_ENTRY_OCR_WORKERS: "1",
      DATA_ENTRY_OCR_LANGUAGES: "deu",
    };
    const [a, b] = await Promise.all([start(env), start(env)]);
    const token = await a.login();
    const read = async () =>
      (
        (await (
          await fetch(`${a.base}/api/data-entry/receipts/${receipt.id}`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).json()) as { ocr_status: string }
      ).ocr_status;
    await waitFor(async () => (await read()) !== "pending", "the receipt's OCR", 180_000);
    expect(await read()).toBe("done");
    const applied = [...a.lines, ...b.lines].filter(
      (line) => line.msg === "OCR fields applied" && line.receiptId === receipt.id,
    );
    expect(applied).toHaveLength(1);

    // An OCR job queued behind two others on A, followed live; then A stops.
    const startJob = async () => {
      const response = await fetch(`${a.base}/api/data-entry/ocr`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ attachment_id: receipt.attachments[0]?.id }),
      });
      expect(response.status).toBe(202);
      return ((await response.json()) as { job_id: string }).job_id;
    };
    await startJob();
    await startJob();
    const last = await startJob();
    const stream = await fetch(`${a.base}/api/data-entry/ocr/${last}/events`, {
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
    });
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("\n\n")) {
      const { value } = await reader.read();
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain("event: progress");
    const exited = stopped(a, "SIGTERM");
    // The stream ends cleanly (no reset) after telling the client to reconnect.
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain(
      'retry: 1000\nevent: reconnect\ndata: {"reason":"server-stopping","retry_ms":1000}\n\n',
    );
    expect(text).not.toContain("event: failed");
    expect(await exited).toBe(0);
  });
});
