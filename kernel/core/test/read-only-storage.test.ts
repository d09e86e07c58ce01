/**
 * A node that cannot write: refused at startup by name (exit 78 from the real server),
 * and reported by `/health` when a database stops accepting writes at run time.
 *
 * File modes prove nothing here (the tests may run as root, which ignores them), so
 * the storage is made unwritable with the immutable attribute (`chattr +i`), which
 * binds root too: an immutable folder takes no new file, and a database whose file
 * or write-ahead log becomes immutable fails its next write with an I/O error, as a
 * disk remounted read-only does. Skipped where the file system has no such attribute.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { StorageNotWritableError } from "../src/database/writable-storage.js";
import {
  FIXTURE_PLUGINS,
  REPO_ROOT,
  startTestKernel,
  type TestKernel,
} from "./helpers/test-kernel.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const temp = mkdtempSync(path.join(os.tmpdir(), "roa2web-read-only-"));
const immutable = new Set<string>();

function chattr(flag: "+i" | "-i", file: string): void {
  execFileSync("chattr", [flag, file], { stdio: "ignore" });
  if (flag === "+i") immutable.add(file);
  else immutable.delete(file);
}

function supportsImmutable(): boolean {
  const probe = path.join(temp, "probe");
  writeFileSync(probe, "x");
  try {
    chattr("+i", probe);
    chattr("-i", probe);
    return true;
  } catch {
    return false;
  }
}

const canTest = supportsImmutable();

afterEach(() => {
  for (const file of [...immutable]) chattr("-i", file);
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe.skipIf(!canTest)("storage the server cannot write", () => {
  it("refuses to start when the data directory cannot be written, naming it", async () => {
    const dataDir = path.join(temp, "read-only-data");
    mkdirSync(dataDir);
    chattr("+i", dataDir);
    const starting = startTestKernel({ env: { DATA_DIR: dataDir } });
    await expect(starting).rejects.toBeInstanceOf(StorageNotWritableError);
    await expect(starting).rejects.toThrow(`The data directory ${dataDir} cannot be written`);
  });

  it("refuses to start when the kernel database cannot be written, naming the file", async () => {
    const dataDir = path.join(temp, "read-only-database");
    const first = await startTestKernel({ env: { DATA_DIR: dataDir } });
    await first.kernel.stop();
    const file = path.join(dataDir, "kernel.db");
    chattr("+i", file);
    await expect(startTestKernel({ env: { DATA_DIR: dataDir } })).rejects.toThrow(
      `The database ${file} cannot be written`,
    );
  });

  it("exits the real server with 78 and the reason on stderr", async () => {
    expect(existsSync(MAIN), "build first: pnpm build (pnpm test does)").toBe(true);
    const dataDir = path.join(temp, "read-only-main");
    mkdirSync(dataDir);
    chattr("+i", dataDir);
    const child = spawn(process.execPath, [MAIN], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ROA2WEB_ENV: "test",
        PORT: "0",
        DATA_DIR: dataDir,
        PLUGINS_WORKSPACE_DIR: FIXTURE_PLUGINS,
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(78);
    expect(stderr).toContain(`The data directory ${dataDir} cannot be written`);
  });
});

describe.skipIf(!canTest)("/health when storage stops accepting writes", () => {
  let t: TestKernel;
  beforeAll(async () => {
    t = await startTestKernel();
  });
  afterAll(async () => {
    for (const file of [...immutable]) chattr("-i", file);
    await t?.close();
  });

  const health = async () => {
    const response = await t.inject({ method: "GET", url: "/health" });
    const body = response.json() as {
      status: string;
      checks: Array<{ name: string; status: string }>;
    };
    const check = (name: string) => body.checks.find((entry) => entry.name === name)?.status;
    return { code: response.statusCode, status: body.status, check };
  };

  it("reports the kernel database down and the node down (503), and up again once it writes", async () => {
    const before = await health();
    expect(before.code).toBe(200);
    expect(before.check("kernel-database")).toBe("up");

    const wal = path.join(t.dataDir, "kernel.db-wal");
    expect(existsSync(wal)).toBe(true);
    chattr("+i", wal);
    const broken = await health();
    expect(broken.code).toBe(503);
    expect(broken.status).toBe("down");
    expect(broken.check("kernel-database")).toBe("down");

    chattr("-i", wal);
    const mended = await health();
    expect(mended.code).toBe(200);
    expect(mended.check("kernel-database")).toBe("up");
  });

  it("reports the cache degraded when its L2 store fails, while L1 keeps serving", async () => {
    // The kernel's own cache, typed through the container's cradle (no name, no cast).
    const { cache } = t.kernel.container.cradle;
    expect((await health()).check("cache")).toBe("up");
    await cache.set("test:kept", "in L1");

    const wal = path.join(t.dataDir, "cache.db-wal");
    expect(existsSync(wal)).toBe(true);
    chattr("+i", wal);
    const broken = await health();
    expect(broken.code).toBe(200); // a cache is not worth taking the node out
    expect(broken.check("cache")).toBe("degraded");
    expect(broken.check("kernel-database")).toBe("up");
    // Requests carry on: a write that L2 refuses is still served from L1.
    await expect(cache.set("test:during", "still served")).resolves.toBeUndefined();
    expect(await cache.get("test:during")).toMatchObject({
      value: "still served",
      source: "HIT-L1",
    });
    expect(await cache.get("test:kept")).toMatchObject({ value: "in L1" });

    chattr("-i", wal);
    expect((await health()).check("cache")).toBe("up");
  });
});
