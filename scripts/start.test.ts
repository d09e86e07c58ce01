import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildPlan, buildStale, stampAll, workspacePackages } from "./start.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let root = "";

/** A package whose build writes dist/out.txt from src and notes itself in builds.log. */
function workspacePackage(folder: string, name: string, dependencies: string[] = []) {
  const dir = path.join(root, folder);
  mkdirSync(path.join(dir, "src"), { recursive: true });
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({
      name,
      scripts: { build: "node build.mjs" },
      dependencies: Object.fromEntries(dependencies.map((d) => [d, "workspace:^"])),
    }),
  );
  writeFileSync(
    path.join(dir, "build.mjs"),
    `import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
mkdirSync("dist", { recursive: true });
writeFileSync("dist/out.txt", readFileSync("src/index.ts"));
appendFileSync(${JSON.stringify(path.join(root, "builds.log"))}, ${JSON.stringify(`${name}\n`)});`,
  );
  writeFileSync(path.join(dir, "src", "index.ts"), `export const name = "${name}";\n`);
}

function builds(): string[] {
  try {
    const log = readFileSync(path.join(root, "builds.log"), "utf8").trim();
    return log ? log.split("\n") : [];
  } catch {
    return [];
  }
}

/**
 * Every build of `expected` ran once, each after the packages it depends on (pnpm runs
 * independent ones in parallel, so their order among themselves varies).
 */
function expectBuilt(ran: string[], expected: string[]): void {
  expect([...ran].sort()).toEqual([...expected].sort());
  const at = (name: string) => ran.indexOf(name);
  if (expected.includes("@x/kernel")) expect(at("@x/sdk")).toBeLessThan(at("@x/kernel"));
  if (expected.includes("@x/app")) {
    expect(at("@x/sdk")).toBeLessThan(at("@x/app"));
    expect(at("@x/kernel")).toBeLessThan(at("@x/app"));
  }
}

function start(): { rebuilt: string[]; log: string[]; ran: string[] } {
  rmSync(path.join(root, "builds.log"), { force: true });
  const log: string[] = [];
  const rebuilt = buildStale(root, (line: string) => log.push(line));
  return { rebuilt, log, ran: builds() };
}

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "roa2web-start-"));
  writeFileSync(
    path.join(root, "pnpm-workspace.yaml"),
    'packages:\n  - packages/*\n  - app\n\nonlyBuiltDependencies:\n  - "@biomejs/biome"\n',
  );
  writeFileSync(path.join(root, "pnpm-lock.yaml"), "lockfileVersion: '9.0'\n");
  // Listed before its dependency: the order comes from the dependencies.
  workspacePackage("app", "@x/app", ["@x/sdk", "@x/kernel"]);
  workspacePackage("packages/kernel", "@x/kernel", ["@x/sdk"]);
  workspacePackage("packages/sdk", "@x/sdk");
  workspacePackage("packages/other", "@x/other");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

// Each fixture build is a real `npm run build` (a second or two on a busy machine).
describe("pnpm start's build step", { timeout: 120_000 }, () => {
  it("builds everything on the first start, dependencies first, then nothing", () => {
    const first = start();
    expectBuilt(first.ran, ["@x/sdk", "@x/kernel", "@x/other", "@x/app"]);
    expect(first.log.join("\n")).toContain("@x/sdk: not built yet");
    const again = start();
    expect(again.ran).toEqual([]);
    expect(again.log).toEqual([expect.stringMatching(/every package is built and current/)]);
  });

  it("rebuilds a package whose source changed, and what depends on it, saying why", () => {
    start();
    writeFileSync(path.join(root, "packages/kernel/src/index.ts"), "export const changed = 1;\n");
    const after = start();
    expect(after.ran).toEqual(["@x/kernel", "@x/app"]);
    expect(after.log).toContain("[start] building @x/kernel: changed: src/index.ts");
    expect(after.log).toContain("[start] building @x/app: depends on @x/kernel, which is rebuilt");
    expect(readFileSync(path.join(root, "packages/kernel/dist/out.txt"), "utf8")).toContain(
      "changed",
    );
  });

  it("ignores a touch that leaves the bytes alone, tests, and the package's own output", () => {
    start();
    const source = path.join(root, "packages/sdk/src/index.ts");
    utimesSync(source, new Date(), new Date(Date.now() + 60_000));
    writeFileSync(path.join(root, "packages/sdk/src/index.test.ts"), "// a test\n");
    writeFileSync(path.join(root, "packages/sdk/dist/extra.js"), "// output\n");
    expect(start().ran).toEqual([]);
  });

  it("rebuilds everything when the lockfile changes, and a package whose dist is gone", () => {
    start();
    rmSync(path.join(root, "packages/other/dist"), { recursive: true });
    expect(start().ran).toEqual(["@x/other"]);
    writeFileSync(path.join(root, "pnpm-lock.yaml"), "lockfileVersion: '9.0'\n# changed\n");
    expectBuilt(start().ran, ["@x/sdk", "@x/kernel", "@x/other", "@x/app"]);
  });

  it("trusts a full build's stamps, and stops at a failed build", () => {
    for (const entry of workspacePackages(root)) mkdirSync(path.join(root, entry.folder, "dist"));
    expect(buildPlan(root).map((step: { reason?: string }) => step.reason)).toEqual(
      Array(4).fill("built without a stamp (by an older start or by hand)"),
    );
    stampAll(root);
    expect(start().ran).toEqual([]);
    writeFileSync(path.join(root, "packages/sdk/build.mjs"), "process.exit(3);\n");
    // The failed run may name the packages built with it (those that depend on @x/sdk).
    expect(() => start()).toThrow(/The build of @x\/sdk(, @x\/[a-z]+)* failed \(exit 3\)/);
    expect(builds()).toEqual([]);
  });

  it("knows this repository's packages, in an order that builds", () => {
    const names = workspacePackages(repoRoot).map((entry: { name: string }) => entry.name);
    expect(names.indexOf("@roa2web/plugin-sdk")).toBeLessThan(names.indexOf("@roa2web/kernel"));
    // The kernel loads the demo ERP by name at run time: it must be built first.
    expect(names.indexOf("@roa2web/plugin-sdk")).toBeLessThan(names.indexOf("@roa2web/demo-erp"));
    expect(names.indexOf("@roa2web/demo-erp")).toBeLessThan(names.indexOf("@roa2web/kernel"));
    expect(names.indexOf("@roa2web/ui-shell")).toBeLessThan(
      names.indexOf("@roa2web/plugin-reports"),
    );
    // A contract package builds after the SDK it imports and before the plugins that use it.
    expect(names.indexOf("@roa2web/plugin-sdk")).toBeLessThan(
      names.indexOf("@roa2web/reports-contract"),
    );
    expect(names).toEqual(
      expect.arrayContaining(["@roa2web/reports-contract", "@roa2web/data-entry-contract"]),
    );
    // The scaffold's package builds its template (a copy of the notes example).
    expect(names).toContain("@roa2web/create-plugin");
    // The throw-away PostgreSQL/Redis/nginx starter the several-kernel tests use.
    expect(names).toContain("@roa2web/test-servers");
    expect(names).toHaveLength(12);
  });
});
