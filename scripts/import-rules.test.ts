/**
 * The import rules `pnpm lint` enforces (.dependency-cruiser.cjs, ADR 0019), each shown
 * to fail: dependency-cruiser runs with the repository's configuration over a small
 * workspace laid out like this one, where every forbidden import is written both ways
 * a hurried author would write it (by package name and by a relative path), next to
 * the imports that stay allowed.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const config = path.join(repoRoot, ".dependency-cruiser.cjs");
// The root devDependency `pnpm lint` runs (its package exports no path to its CLI).
const depcruise = path.join(repoRoot, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

interface Violation {
  rule: string;
  from: string;
  to: string;
}

interface Cruise {
  status: number | null;
  output: string;
  violations: Violation[];
}

/** Runs the linter's dependency-cruiser step over `folders` of a workspace at `root`. */
function cruise(root: string, folders: string[], outputType = "json"): Cruise {
  const result = spawnSync(
    process.execPath,
    [depcruise, "--config", config, "--output-type", outputType, ...folders],
    { cwd: root, encoding: "utf8" },
  );
  if (result.error) throw result.error;
  const violations: Violation[] =
    outputType === "json"
      ? JSON.parse(result.stdout).summary.violations.map(
          (violation: { rule: { name: string }; from: string; to: string }) => ({
            rule: violation.rule.name,
            from: violation.from,
            to: violation.to,
          }),
        )
      : [];
  return { status: result.status, output: result.stdout + result.stderr, violations };
}

function write(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** `name` installed in `from`'s node_modules as pnpm does it: a link to the package folder. */
function link(root: string, from: string, name: string, target: string): void {
  const at = path.join(root, from, "node_modules", name);
  mkdirSync(path.dirname(at), { recursive: true });
  symlinkSync(path.relative(path.dirname(at), path.join(root, target)), at, "junction");
}

/** A workspace shaped like this one: the kernel (built), the SDK, a contract, three plugins, the shell. */
function workspace(root: string): void {
  write(root, {
    "tsconfig.base.json": json({
      compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true },
    }),
    "kernel/core/package.json": json({
      name: "@roa2web/kernel",
      type: "module",
      exports: {
        ".": { types: "./dist/index.d.ts", import: "./dist/index.js" },
        "./testing": { types: "./dist/testing.d.ts", import: "./dist/testing.js" },
      },
    }),
    "kernel/core/dist/index.js": "export const kernel = 1;\n",
    "kernel/core/dist/index.d.ts": "export declare const kernel: number;\n",
    "kernel/core/dist/testing.js": "export const startTestKernel = () => {};\n",
    "kernel/core/dist/testing.d.ts": "export declare const startTestKernel: () => void;\n",
    "kernel/core/src/cache/create-cache.ts": "export const createCache = () => 1;\n",
    "kernel/core/test/helpers/test-kernel.ts": "export const inject = () => 1;\n",
    "kernel/plugin-sdk/package.json": json({
      name: "@roa2web/plugin-sdk",
      type: "module",
      exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.js" } },
    }),
    "kernel/plugin-sdk/dist/index.js": "export const definePlugin = (plugin) => plugin;\n",
    "kernel/plugin-sdk/dist/index.d.ts": "export declare const definePlugin: <T>(p: T) => T;\n",
    "contracts/reports/package.json": json({
      name: "@roa2web/reports-contract",
      type: "module",
      exports: { ".": { types: "./src/index.ts", import: "./src/index.ts" } },
    }),
    "contracts/reports/src/index.ts": "export interface Dashboard { total: number }\n",
    "ui-shell/package.json": json({ name: "@roa2web/ui-shell", type: "module" }),
    "ui-shell/src/api/index.ts": "export const t = (text: string) => text;\n",
    "plugins/reports/package.json": json({
      name: "@roa2web/plugin-reports",
      type: "module",
      exports: { ".": "./src/report-service.ts" },
    }),
    "plugins/reports/src/report-service.ts": "export class ReportService {}\n",
    "plugins/reports/src/ui/reports-app.ts": "export class ReportsApp {}\n",
    "plugins/telegram/package.json": json({ name: "@roa2web/plugin-telegram", type: "module" }),
    "plugins/telegram/src/fake-bot-api.ts": "export class FakeBotApi {}\n",
    "plugins/examples/notes/package.json": json({
      name: "@roa2web/plugin-example-notes",
      type: "module",
    }),
    "plugins/examples/notes/src/notes-store.ts": "export class NotesStore {}\n",
  });
  for (const plugin of ["plugins/reports", "plugins/telegram", "plugins/examples/notes"]) {
    link(root, plugin, "@roa2web/plugin-sdk", "kernel/plugin-sdk");
    link(root, plugin, "@roa2web/kernel", "kernel/core");
  }
  link(root, "plugins/telegram", "@roa2web/reports-contract", "contracts/reports");
  link(root, "contracts/reports", "@roa2web/kernel", "kernel/core");
  link(root, "plugins/telegram", "@roa2web/plugin-reports", "plugins/reports");
  link(root, "ui-shell", "@roa2web/kernel", "kernel/core");
}

let root = "";
let result: Cruise;

/** The violations of one rule, as `from → to`. */
function brokenBy(rule: string): string[] {
  return result.violations
    .filter((violation) => violation.rule === rule)
    .map((violation) => `${violation.from} → ${violation.to}`)
    .sort();
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "roa2web-import-rules-"));
  workspace(root);
  write(root, {
    // Plugin code: the SDK and a contract package are fine; the kernel is not, by any road.
    "plugins/telegram/src/plugin.ts": [
      'import { definePlugin } from "@roa2web/plugin-sdk";',
      'import type { Dashboard } from "@roa2web/reports-contract";',
      'import { kernel } from "@roa2web/kernel";',
      'import { createCache } from "../../../kernel/core/src/cache/create-cache.js";',
      "export default definePlugin({ kernel, createCache } as unknown as Dashboard);",
      "",
    ].join("\n"),
    // Another plugin, by package name, by a relative path, and a type only.
    "plugins/telegram/src/bot.ts": [
      'import { ReportService } from "@roa2web/plugin-reports";',
      'import { NotesStore } from "../../examples/notes/src/notes-store.js";',
      'import type { ReportsApp } from "../../reports/src/ui/reports-app.js";',
      "export const parts = [ReportService, NotesStore] as unknown as ReportsApp[];",
      "",
    ].join("\n"),
    // Plugin tests: the public test kit only.
    "plugins/telegram/src/bot-api.test.ts": [
      'import { startTestKernel } from "@roa2web/kernel/testing";',
      'import { inject } from "../../../kernel/core/test/helpers/test-kernel.js";',
      'import { kernel } from "@roa2web/kernel";',
      "export const used = [startTestKernel, inject, kernel];",
      "",
    ].join("\n"),
    "plugins/examples/notes/src/test/helpers.ts": [
      'import { startTestKernel } from "@roa2web/kernel/testing";',
      'import { createCache } from "../../../../../kernel/core/src/cache/create-cache.js";',
      "export const used = [startTestKernel, createCache];",
      "",
    ].join("\n"),
    // A plugin's own files, however deep, stay allowed.
    "plugins/examples/notes/src/routes/notes.ts": [
      'import { NotesStore } from "../notes-store.js";',
      "export const store = new NotesStore();",
      "",
    ].join("\n"),
    // The kernel never names a plugin.
    "kernel/core/src/plugins/loader.ts": [
      'import { ReportService } from "../../../../plugins/reports/src/report-service.js";',
      "export const loaded = ReportService;",
      "",
    ].join("\n"),
    // A kernel test that runs real plugins may reuse a plugin's test support, no more.
    "kernel/core/test/two-kernels.test.ts": [
      'import { FakeBotApi } from "../../../plugins/telegram/src/fake-bot-api.js";',
      'import { ReportService } from "../../../plugins/reports/src/report-service.js";',
      "export const used = [FakeBotApi, ReportService];",
      "",
    ].join("\n"),
    "kernel/core/src/kernel.ts": [
      'import type { ReportService } from "@roa2web/plugin-reports";',
      'import { createCache } from "./cache/create-cache.js";',
      "export const cache: ReportService | number = createCache();",
      "",
    ].join("\n"),
    // The shell mounts plugin UIs by URL, never by import.
    "ui-shell/src/roa-app.ts": [
      'import { ReportsApp } from "../../plugins/reports/src/ui/reports-app.js";',
      'import { t } from "./api/index.js";',
      "export const app = [ReportsApp, t];",
      "",
    ].join("\n"),
    "ui-shell/src/pages/plugin-page.ts": [
      'import type { ReportsApp } from "@roa2web/plugin-reports";',
      "export type Page = ReportsApp;",
      "",
    ].join("\n"),
    // Shell tests: the kit, never the kernel's own helper.
    "ui-shell/test/browser/harness.ts": [
      'import { startTestKernel } from "@roa2web/kernel/testing";',
      'import { inject } from "../../../kernel/core/test/helpers/test-kernel.js";',
      "export const used = [startTestKernel, inject];",
      "",
    ].join("\n"),
    // A contract reaching into a plugin, and into the kernel.
    "contracts/reports/src/queries.ts": [
      'import type { ReportService } from "../../../plugins/reports/src/report-service.js";',
      'import type { kernel } from "@roa2web/kernel";',
      "export type Queries = ReportService | typeof kernel;",
      "",
    ].join("\n"),
  });
  result = cruise(root, ["kernel", "plugins", "ui-shell", "contracts"]);
}, 60_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("pnpm lint's import rules", () => {
  it("fails the lint run, naming the rule, the importer and the imported file", () => {
    const text = cruise(root, ["plugins/telegram/src/plugin.ts"], "err");
    expect(text.status).not.toBe(0);
    expect(text.output).toContain(
      "error plugin-imports-kernel: plugins/telegram/src/plugin.ts → kernel/core/dist/index.d.ts",
    );
  });

  it("plugin code imports no part of the kernel, by name or by path", () => {
    expect(brokenBy("plugin-imports-kernel")).toEqual([
      "plugins/telegram/src/plugin.ts → kernel/core/dist/index.d.ts",
      "plugins/telegram/src/plugin.ts → kernel/core/src/cache/create-cache.ts",
    ]);
  });

  it("plugin and shell tests reach the kernel only through @roa2web/kernel/testing", () => {
    expect(brokenBy("test-imports-kernel-internals")).toEqual([
      "plugins/examples/notes/src/test/helpers.ts → kernel/core/src/cache/create-cache.ts",
      "plugins/telegram/src/bot-api.test.ts → kernel/core/dist/index.d.ts",
      "plugins/telegram/src/bot-api.test.ts → kernel/core/test/helpers/test-kernel.ts",
      "ui-shell/test/browser/harness.ts → kernel/core/test/helpers/test-kernel.ts",
    ]);
  });

  it("a plugin imports no other plugin, by package name or by path, not even a type", () => {
    expect(brokenBy("plugin-imports-plugin")).toEqual([
      "plugins/telegram/src/bot.ts → plugins/examples/notes/src/notes-store.ts",
      "plugins/telegram/src/bot.ts → plugins/reports/src/report-service.ts",
      "plugins/telegram/src/bot.ts → plugins/reports/src/ui/reports-app.ts",
    ]);
  });

  it("the kernel names no plugin, by package name or by path", () => {
    expect(brokenBy("kernel-imports-plugin")).toEqual([
      "kernel/core/src/kernel.ts → @roa2web/plugin-reports",
      "kernel/core/src/plugins/loader.ts → plugins/reports/src/report-service.ts",
    ]);
  });

  it("a kernel test reuses a plugin's test support (src/test/, fake-*) and nothing else of it", () => {
    expect(brokenBy("kernel-test-imports-plugin")).toEqual([
      "kernel/core/test/two-kernels.test.ts → plugins/reports/src/report-service.ts",
    ]);
  });

  it("the shell imports no plugin UI", () => {
    expect(brokenBy("shell-imports-plugin")).toEqual([
      "ui-shell/src/pages/plugin-page.ts → @roa2web/plugin-reports",
      "ui-shell/src/roa-app.ts → plugins/reports/src/ui/reports-app.ts",
    ]);
  });

  it("a contract package builds on the SDK only, never on a plugin or the kernel", () => {
    expect(brokenBy("contract-imports-plugin-or-kernel")).toEqual([
      "contracts/reports/src/queries.ts → kernel/core/dist/index.d.ts",
      "contracts/reports/src/queries.ts → plugins/reports/src/report-service.ts",
    ]);
  });

  it("no relative import climbs out of its package", () => {
    expect(brokenBy("relative-import-leaves-package")).toEqual([
      "contracts/reports/src/queries.ts → plugins/reports/src/report-service.ts",
      "kernel/core/src/plugins/loader.ts → plugins/reports/src/report-service.ts",
      "kernel/core/test/two-kernels.test.ts → plugins/reports/src/report-service.ts",
      "plugins/examples/notes/src/test/helpers.ts → kernel/core/src/cache/create-cache.ts",
      "plugins/telegram/src/bot-api.test.ts → kernel/core/test/helpers/test-kernel.ts",
      "plugins/telegram/src/bot.ts → plugins/examples/notes/src/notes-store.ts",
      "plugins/telegram/src/bot.ts → plugins/reports/src/ui/reports-app.ts",
      "plugins/telegram/src/plugin.ts → kernel/core/src/cache/create-cache.ts",
      "ui-shell/src/roa-app.ts → plugins/reports/src/ui/reports-app.ts",
      "ui-shell/test/browser/harness.ts → kernel/core/test/helpers/test-kernel.ts",
    ]);
  });

  it("leaves the allowed imports alone: the SDK, a contract, the test kit, a package's own files", () => {
    const allowed = result.violations.filter(
      (violation) =>
        /plugin-sdk|contracts\/reports\/src\/index\.ts|kernel\/core\/dist\/testing\./.test(
          violation.to,
        ) ||
        violation.from === "plugins/examples/notes/src/routes/notes.ts" ||
        (violation.from === "kernel/core/src/kernel.ts" && !violation.to.startsWith("@")),
    );
    expect(allowed).toEqual([]);
    // Nothing is flagged beyond what the rules above list, one line per rule broken.
    expect(result.violations).toHaveLength(2 + 4 + 3 + 2 + 1 + 2 + 2 + 10);
  });

  it("holds before a build too, when a package name resolves to no file yet", () => {
    const bare = mkdtempSync(path.join(os.tmpdir(), "roa2web-import-rules-bare-"));
    try {
      write(bare, {
        "tsconfig.base.json": json({ compilerOptions: { module: "NodeNext" } }),
        "plugins/telegram/package.json": json({ name: "@roa2web/plugin-telegram" }),
        "plugins/telegram/src/plugin.ts": [
          'import "@roa2web/kernel";',
          'import "@roa2web/plugin-reports";',
          'import "@roa2web/plugin-sdk";',
          'import "@roa2web/reports-contract";',
          "",
        ].join("\n"),
        "plugins/telegram/src/plugin-api.test.ts": [
          'import "@roa2web/kernel/testing";',
          'import "@roa2web/kernel/internals";',
          "",
        ].join("\n"),
      });
      const unbuilt = cruise(bare, ["plugins"]);
      expect(
        unbuilt.violations.map((violation) => `${violation.rule}: ${violation.to}`).sort(),
      ).toEqual([
        "plugin-imports-kernel: @roa2web/kernel",
        "plugin-imports-plugin: @roa2web/plugin-reports",
        "test-imports-kernel-internals: @roa2web/kernel/internals",
      ]);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});

describe("pnpm lint's import rules outside the packages: bench, scripts, test fixtures", () => {
  let outside = "";
  let cruised: Cruise;
  const broken = (rule: string) =>
    cruised.violations
      .filter((violation) => violation.rule === rule)
      .map((violation) => `${violation.from} → ${violation.to}`)
      .sort();

  beforeAll(() => {
    outside = mkdtempSync(path.join(os.tmpdir(), "roa2web-import-rules-outside-"));
    workspace(outside);
    // The repository root resolves @roa2web/* as pnpm links them for bench/ and scripts/.
    link(outside, "", "@roa2web/kernel", "kernel/core");
    link(outside, "", "@roa2web/plugin-sdk", "kernel/plugin-sdk");
    link(outside, "kernel/core", "@roa2web/plugin-sdk", "kernel/plugin-sdk");
    write(outside, {
      "kernel/core/src/kernel.ts": "export const kernel = 1;\n",
      "bench/lib.mjs": "export const ROOT = '.';\n",
      // A process-level benchmark: the built kernel by name and its own helpers, yes;
      // the kernel's source or test helpers, or a file that is not there, no.
      "bench/report-hot-path.mjs": [
        'import { kernel } from "@roa2web/kernel";',
        'import { startTestKernel } from "@roa2web/kernel/testing";',
        'import { ROOT } from "./lib.mjs";',
        'import { createCache } from "../kernel/core/src/cache/create-cache.js";',
        'import { inject } from "../kernel/core/test/helpers/test-kernel.js";',
        'import { gone } from "./moved-away.mjs";',
        "export const used = [kernel, startTestKernel, ROOT, createCache, inject, gone];",
        "",
      ].join("\n"),
      // An in-process benchmark reads the source it measures, like a unit test; still
      // not the tests' own helpers.
      "bench/cache.bench.ts": [
        'import { createCache } from "../kernel/core/src/cache/create-cache.js";',
        'import { inject } from "../kernel/core/test/helpers/test-kernel.js";',
        "export const used = [createCache, inject];",
        "",
      ].join("\n"),
      // The benchmarks' fixture plugin: the SDK, never the kernel.
      "bench/fixtures/plugins/bench/plugin.js": [
        'import { definePlugin } from "@roa2web/plugin-sdk";',
        'import { kernel } from "@roa2web/kernel";',
        "export default definePlugin({ kernel });",
        "",
      ].join("\n"),
      // The kernel tests' fixture plugins: the SDK, their own files and another
      // fixture's refs.js (their contract) — not the kernel, not another fixture's code.
      "kernel/core/test/fixtures/plugins/good/refs.js": "export const greeter = {};\n",
      "kernel/core/test/fixtures/plugins/good/store.js": "export const store = {};\n",
      "kernel/core/test/fixtures/plugins/good/plugin.js": [
        'import { definePlugin } from "@roa2web/plugin-sdk";',
        'import { greeter } from "./refs.js";',
        'import { store } from "./store.js";',
        'import { kernel } from "../../../../src/kernel.js";',
        "export default definePlugin({ greeter, store, kernel });",
        "",
      ].join("\n"),
      "kernel/core/test/fixtures/plugins/consumer/plugin.js": [
        'import { definePlugin } from "@roa2web/plugin-sdk";',
        'import { greeter } from "../good/refs.js";',
        'import { store } from "../good/store.js";',
        "export default definePlugin({ greeter, store });",
        "",
      ].join("\n"),
      // Repository tooling: the built packages only, and never a benchmark.
      "scripts/release.mjs": [
        'import { kernel } from "@roa2web/kernel";',
        'import { createCache } from "../kernel/core/src/cache/create-cache.js";',
        'import { ROOT } from "../bench/lib.mjs";',
        'import { gone } from "./renamed.mjs";',
        "export const used = [kernel, createCache, ROOT, gone];",
        "",
      ].join("\n"),
    });
    cruised = cruise(outside, ["bench", "scripts", "kernel"]);
  }, 60_000);

  afterAll(() => {
    if (outside) rmSync(outside, { recursive: true, force: true });
  });

  it("a process-level benchmark runs the built packages, never their source", () => {
    expect(broken("bench-imports-source")).toEqual([
      "bench/report-hot-path.mjs → kernel/core/src/cache/create-cache.ts",
    ]);
  });

  it("no benchmark leans on a package's test helpers", () => {
    expect(broken("bench-imports-test-code")).toEqual([
      "bench/cache.bench.ts → kernel/core/test/helpers/test-kernel.ts",
      "bench/report-hot-path.mjs → kernel/core/test/helpers/test-kernel.ts",
    ]);
  });

  it("a fixture plugin builds on the SDK, and of another fixture reads only its refs", () => {
    expect(broken("fixture-plugin-imports-kernel")).toEqual([
      "bench/fixtures/plugins/bench/plugin.js → kernel/core/dist/index.d.ts",
      "kernel/core/test/fixtures/plugins/good/plugin.js → kernel/core/src/kernel.ts",
    ]);
    expect(broken("fixture-plugin-imports-plugin")).toEqual([
      "kernel/core/test/fixtures/plugins/consumer/plugin.js → kernel/core/test/fixtures/plugins/good/store.js",
    ]);
  });

  it("scripts run the built packages, and nothing imports a benchmark", () => {
    expect(broken("scripts-import-source")).toEqual([
      "scripts/release.mjs → kernel/core/src/cache/create-cache.ts",
    ]);
    expect(broken("imports-bench")).toEqual(["scripts/release.mjs → bench/lib.mjs"]);
  });

  it("a relative import in bench/ or scripts/ that points at nothing fails", () => {
    expect(broken("bench-or-script-import-unresolvable")).toEqual([
      "bench/report-hot-path.mjs → ./moved-away.mjs",
      "scripts/release.mjs → ./renamed.mjs",
    ]);
  });

  it("leaves the rest alone: packages by name, bench's helpers, a fixture's own files", () => {
    expect(cruised.violations).toHaveLength(1 + 2 + 2 + 1 + 1 + 1 + 2);
  });
});
