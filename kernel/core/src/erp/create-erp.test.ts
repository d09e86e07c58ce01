import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/load-config.js";
import { ConfigError } from "../config/parse.js";
import { createErp } from "./create-erp.js";

const silent = pino({ level: "silent" });

/** A project root (config/ and pnpm-workspace.yaml, as loadConfig looks for) with these files. */
function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "roa2web-erp-adapter-"));
  mkdirSync(path.join(dir, "config"));
  writeFileSync(path.join(dir, "pnpm-workspace.yaml"), "packages: []\n");
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function settingsOf(dir: string, env: Record<string, string> = {}) {
  return loadConfig({ root: dir, env, ignoreDotenv: true });
}

async function problemsOf(opening: Promise<unknown>): Promise<string[]> {
  const error = await opening.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}

/**
 * An adapter module outside the workspace: answers every query with the context the
 * kernel opened it with, so the test sees what an outside adapter would get.
 */
const RECORDING_ADAPTER = `
export default {
  name: "replica",
  settingsProblems(context) {
    return context.env.REPLICA_URL ? [] : ["REPLICA_URL is required by the replica ERP"];
  },
  async open(context) {
    const seen = {
      url: context.env.REPLICA_URL,
      dataDir: context.dataDir,
      cacheFile: context.resolvePath("replica/cache.db"),
      environment: context.environment,
    };
    const client = {
      dialect: "oracle",
      async query() { return [seen]; },
      async queryOne() { return seen; },
      async *stream() { yield seen; },
    };
    return { client, health: () => ({ status: "up", detail: "replica" }), close() {} };
  },
};
`;

describe("createErp: the ERP adapter the settings name", () => {
  it("opens the demo ERP package when nothing is configured (generated into DATA_DIR)", async () => {
    const dir = project();
    const settings = settingsOf(dir);
    const erp = await createErp(settings, silent);
    try {
      expect(erp.client.dialect).toBe("sqlite");
      const companies = await erp.client.query<{ id: number }>("SELECT id FROM companies");
      expect(companies.length).toBeGreaterThan(0);
      expect(await erp.health()).toMatchObject({ status: "up" });
      expect(existsSync(path.join(settings.dataDir, "demo-erp.db"))).toBe(true);
    } finally {
      await erp.close();
    }
  });

  it("loads an adapter module named by a path from the project root and hands it its context", async () => {
    const dir = project({ "adapters/replica.mjs": RECORDING_ADAPTER });
    const settings = settingsOf(dir, {
      ERP_ADAPTER: "./adapters/replica.mjs",
      REPLICA_URL: "replica://books",
    });
    const erp = await createErp(settings, silent);
    expect(await erp.health()).toEqual({ status: "up", detail: "replica" });
    // The replica answers every query with the context it was opened with.
    expect(await erp.client.queryOne("SELECT 1")).toEqual({
      url: "replica://books",
      dataDir: path.join(dir, "data"),
      cacheFile: path.join(dir, "replica", "cache.db"),
      environment: "development",
    });
    // Nothing of the demo ERP was made.
    expect(existsSync(path.join(dir, "data", "demo-erp.db"))).toBe(false);
  });

  it("refuses to start, naming the variable, when the adapter reports a bad setting", async () => {
    const dir = project({ "adapters/replica.mjs": RECORDING_ADAPTER });
    const problems = await problemsOf(
      createErp(settingsOf(dir, { ERP_ADAPTER: "./adapters/replica.mjs" }), silent),
    );
    expect(problems).toEqual(["REPLICA_URL is required by the replica ERP"]);
  });

  it("names ERP_ADAPTER when no such module is installed", async () => {
    const problems = await problemsOf(
      createErp(settingsOf(project(), { ERP_ADAPTER: "@roa2web/no-such-erp" }), silent),
    );
    expect(problems[0]).toContain("ERP_ADAPTER=@roa2web/no-such-erp: no such module is installed");
  });

  it("names ERP_ADAPTER when the module's default export is not an adapter", async () => {
    const dir = project({ "adapters/wrong.mjs": "export default { open: 'no' };\n" });
    const problems = await problemsOf(
      createErp(settingsOf(dir, { ERP_ADAPTER: "./adapters/wrong.mjs" }), silent),
    );
    expect(problems[0]).toContain("the module's default export is not an ERP adapter");
  });

  it("reports the demo ERP's own bad settings before generating anything", async () => {
    const dir = project();
    const problems = await problemsOf(
      createErp(settingsOf(dir, { ERP_DEMO_SCALE: "0", ERP_DEMO_SEED: "x" }), silent),
    );
    expect(problems).toEqual([
      'ERP_DEMO_SEED must be a whole number (got "x")',
      'ERP_DEMO_SCALE must be a whole number from 1 to 10000 (got "0")',
    ]);
    expect(existsSync(path.join(dir, "data")) ? readdirSync(path.join(dir, "data")) : []).toEqual(
      [],
    );
  });

  it("refuses the demo ERP in production even when named, unless explicitly allowed", async () => {
    const production = {
      ROA2WEB_ENV: "production",
      JWT_SECRET: "pPBMMe59fkt5CM9JOgkFBftTxS6rbXfxOyrMfY8veU4DVuGQvOKq13p23bFBCMPE",
      ERP_ADAPTER: "@roa2web/demo-erp",
    };
    const problems = await problemsOf(createErp(settingsOf(project(), production), silent));
    expect(problems[0]).toContain("The demo ERP is refused in production");
  });
});
