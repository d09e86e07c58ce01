/**
 * The kernel opens whatever ERP adapter `ERP_ADAPTER` names and knows it only through the
 * interface (ADR 0017): an outside adapter serves `/api/companies` and `/health`, and a
 * bad adapter setting stops the real server with exit 78 and the variable's name.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_PLUGINS,
  inject,
  REPO_ROOT,
  startTestKernel,
  type TestKernel,
} from "./helpers/test-kernel.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const temp = mkdtempSync(path.join(os.tmpdir(), "roa2web-erp-adapter-"));

/** A read replica of the books as another team might ship it: two companies, its own health. */
const REPLICA = path.join(temp, "replica-adapter.mjs");
writeFileSync(
  REPLICA,
  `const companies = [
  { id: 11, code: "ALFA", name: "Alfa Replica SRL", tax_id: "RO111", currency: "RON" },
  { id: 12, code: "BETA", name: "Beta Replica SRL", tax_id: "RO112", currency: "RON" },
];
export default {
  name: "replica",
  async open() {
    const client = {
      dialect: "oracle",
      async query(sql) { return /FROM companies/.test(sql) ? companies : []; },
      async queryOne(sql) { return (await client.query(sql))[0]; },
      async *stream(sql) { yield* await client.query(sql); },
    };
    return {
      client,
      health: () => ({ status: "up", detail: "read replica", data: { companies: 2 } }),
      close() {},
    };
  },
};
`,
);

describe("an ERP adapter named by ERP_ADAPTER", () => {
  let t: TestKernel;
  beforeAll(async () => {
    t = await startTestKernel({ env: { ERP_ADAPTER: REPLICA } });
  });
  afterAll(() => t?.close());

  it("serves the companies from that adapter, not from the demo ERP", async () => {
    const token = await t.login();
    const response = await inject(t.kernel, {
      method: "GET",
      url: "/api/companies",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().items.map((company: { name: string }) => company.name)).toEqual([
      "Alfa Replica SRL",
      "Beta Replica SRL",
    ]);
    expect(readdirSync(t.dataDir)).not.toContain("demo-erp.db");
  });

  it("reports the adapter's health as the kernel's erp check", async () => {
    const token = await t.login();
    const response = await inject(t.kernel, {
      method: "GET",
      url: "/health?details=1",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(
      response.json().checks.find((check: { name: string }) => check.name === "erp"),
    ).toMatchObject({ status: "up", detail: "read replica", data: { companies: 2 } });
  });
});

const servers = new Set<ChildProcess>();
// A server that started instead of refusing (a regression) must not outlive the test.
afterAll(() => {
  for (const server of servers) if (server.exitCode === null) server.kill("SIGKILL");
});

/** Starts the real server and waits for it to exit; its exit code and stderr. */
function runServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ROA2WEB_ENV: "test",
      PORT: "0",
      PLUGINS_WORKSPACE_DIR: FIXTURE_PLUGINS,
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  servers.add(child);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}

// Each run starts a Node process (several seconds on a busy machine).
describe("the real server with a bad ERP adapter setting", { timeout: 180_000 }, () => {
  it("exits 78 naming the demo ERP's variable, before generating anything", async () => {
    expect(existsSync(MAIN), "build first: pnpm build (pnpm test does)").toBe(true);
    const dataDir = mkdtempSync(path.join(temp, "bad-scale-"));
    const { code, stderr } = await runServer({ DATA_DIR: dataDir, ERP_DEMO_SCALE: "0" });
    expect(code).toBe(78);
    expect(stderr).toContain("roa2web cannot start.");
    expect(stderr).toContain('ERP_DEMO_SCALE must be a whole number from 1 to 10000 (got "0")');
    expect(readdirSync(dataDir).filter((name) => name.startsWith("demo-erp"))).toEqual([]);
  });

  it("exits 78 naming ERP_ADAPTER when the module is not installed", async () => {
    const dataDir = mkdtempSync(path.join(temp, "missing-"));
    const { code, stderr } = await runServer({
      DATA_DIR: dataDir,
      ERP_ADAPTER: "@acme/roa-erp-replica",
    });
    expect(code).toBe(78);
    expect(stderr).toContain("ERP_ADAPTER=@acme/roa-erp-replica: no such module is installed");
  });
});
