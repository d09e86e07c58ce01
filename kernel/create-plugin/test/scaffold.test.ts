/** The scaffold (bin/create-plugin.mjs), run from this checkout as authors run it. */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../bin/create-plugin.mjs", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const exampleRoot = path.join(repoRoot, "plugins", "examples", "notes");
const exampleModules = path.join(exampleRoot, "node_modules");
let temp: string;

function scaffold(...args: string[]) {
  const result = spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The copy outside the workspace is not installed: lend it the example's packages (vite,
 * typeorm, @roa2web/* linked to this checkout) and the root's toolchain (tsup, vitest).
 */
function lendPackages(target: string) {
  const modules = path.join(target, "node_modules");
  mkdirSync(modules);
  const lent = [
    ...readdirSync(exampleModules)
      .filter((name) => !name.startsWith("."))
      .map((name) => path.join(exampleModules, name)),
    ...["tsup", "vitest", "typescript", "@types"].map((name) =>
      path.join(repoRoot, "node_modules", name),
    ),
  ];
  for (const from of lent) symlinkSync(from, path.join(modules, path.basename(from)), "junction");
}

/** Runs a lent package's command-line script in the copy. */
function runTool(target: string, script: string, args: string[]) {
  // A nested vitest must not believe it is a worker of the one running this file.
  const env = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST")),
    ),
    NO_COLOR: "1",
  };
  const result = spawnSync(process.execPath, [path.join(target, "node_modules", script), ...args], {
    cwd: target,
    encoding: "utf8",
    env,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

beforeAll(() => {
  temp = mkdtempSync(path.join(os.tmpdir(), "roa2web-scaffold-"));
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("create-plugin", () => {
  it("copies the example into a package whose manifest carries the new name", () => {
    const target = path.join(temp, "stock-count");
    const result = scaffold("stock-count", target);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Created roa2web-plugin-stock-count");
    // The steps it prints work where the package is: no workspace filter, no checkout path.
    expect(result.stdout).toContain("pnpm test");
    expect(result.stdout).not.toContain("--filter");

    const pkg = JSON.parse(readFileSync(path.join(target, "package.json"), "utf8"));
    // Outside the workspace the @roa2web scope is not the author's to publish under.
    expect(pkg).toMatchObject({
      name: "roa2web-plugin-stock-count",
      version: "0.1.0",
      type: "module",
    });
    expect(pkg.private).toBeUndefined();
    expect(pkg.roa2web).toEqual({
      name: "stock-count",
      displayName: "Stock Count",
      description: expect.any(String),
      entry: "dist/plugin.js",
      kernel: "^0.1.0",
      prefix: "/api/stock-count",
      permissions: {
        "stock-count:read": expect.any(String),
        "stock-count:write": expect.any(String),
      },
      provides: { "stock-count.count": "1.0.0" },
      emits: ["stock-count.created"],
      ui: {
        tag: "stock-count-app",
        module: "dist/ui/stock-count-app.js",
        titles: { ro: "Stock Count", en: "Stock Count" },
      },
    });
    // Outside the workspace every @roa2web package comes from the registry, at the
    // version this checkout would publish, with the toolchain beside it.
    const version = (folder: string) =>
      JSON.parse(readFileSync(path.join(repoRoot, folder, "package.json"), "utf8")).version;
    expect(pkg.dependencies["@roa2web/plugin-sdk"]).toBe(`^${version("kernel/plugin-sdk")}`);
    expect(pkg.devDependencies["@roa2web/kernel"]).toBe(`^${version("kernel/core")}`);
    expect(pkg.devDependencies["@roa2web/ui-shell"]).toBe(`^${version("ui-shell")}`);
    for (const tool of ["tsup", "typescript", "vitest", "@types/node", "fastify"]) {
      expect(pkg.devDependencies).toHaveProperty([tool]);
    }
    const ranges = JSON.stringify({ ...pkg.dependencies, ...pkg.devDependencies });
    expect(ranges).not.toMatch(/workspace:|file:|link:/);
    expect(pkg.devDependencies.vite).toMatch(/^\^8\./);
    expect(pkg.scripts).toEqual({
      build: "tsup && vite build",
      typecheck: "tsc --noEmit",
      test: "pnpm run build && vitest run",
    });
    // pnpm runs no install script it is not told to: the kit's SQLite driver needs one.
    expect(pkg.pnpm.onlyBuiltDependencies).toContain("better-sqlite3");
  });

  it("renames files, classes, names and settings, and leaves no build output behind", () => {
    const target = path.join(temp, "stock-count");
    const files = filesUnder(target);
    expect(files).toContain(path.join("src", "ui", "index.ts"));
    expect(files).toContain(path.join("src", "ui", "stock-count-form.ts"));
    expect(files).toContain("vite.config.ts");
    expect(files).toContain(path.join("src", "stock-count-store.ts"));
    expect(files).toContain(path.join("src", "migrations", "1763900000000-create-stock-count.ts"));
    // The singular: "stock-count" is no plural, so one record is a "stock-count-item".
    expect(files).toContain(path.join("src", "stock-count-item-entity.ts"));
    expect(files).toContain(path.join("src", "stock-count-item-rules.ts"));
    expect(files).toContain("vitest.config.ts");
    expect(files.some((file) => file.startsWith("dist") || file.includes("node_modules"))).toBe(
      false,
    );
    // The caller and company checks come from the SDK: the copy has no helper of its own.
    expect(files).not.toContain(path.join("src", "access.ts"));
    // Only the new README names the example it came from.
    const everything = files
      .filter((file) => file !== "README.md")
      .map((file) => readFileSync(path.join(target, file), "utf8"))
      .join("\n");
    expect(everything).not.toMatch(/notes|Notes|NOTES/);
    // Nothing leads back into this checkout.
    expect(everything).not.toContain(repoRoot.replace(/[\\/]$/, ""));
    expect(everything).not.toMatch(/\.\.\/\.\.\//);
    // In code the singular is renamed too; sentences (comments, texts with a space) keep
    // "a note", which the author rewrites.
    const code = files
      .filter((file) => file.endsWith(".ts"))
      .map((file) => readFileSync(path.join(target, file), "utf8"))
      .join("\n")
      .replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "")
      .replace(/"(?:[^"\\\n]|\\.)*"/g, (text) => (/\s/.test(text) ? '""' : text))
      .replace(/`[^`]*`/g, (text) =>
        [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]).join(" "),
      );
    expect(code.match(/\b\w*(?<![A-Za-z])note\w*|\w*Note(?![a-z])\w*/g) ?? []).toEqual([]);

    const plugin = readFileSync(path.join(target, "src", "plugin.ts"), "utf8");
    expect(plugin).toContain("CreateStockCount1763900000000");
    // Contract v2: deps by reference, the service provided through its reference.
    expect(plugin).toContain("deps: {");
    expect(plugin).toContain("runtime.provide(stockCountItemCount,");
    expect(plugin).toContain('from "./stock-count-item-entity.js"');
    const contract = readFileSync(path.join(target, "src", "contract.ts"), "utf8");
    expect(contract).toContain('createServiceRef<StockCountCount>({ id: "stock-count.count"');
    expect(contract).toContain('createEventRef<StockCountItemCreated>({ id: "stock-count.created"');
    const entity = readFileSync(path.join(target, "src", "stock-count-item-entity.ts"), "utf8");
    expect(entity).toContain(
      "export const StockCountItemEntity = new EntitySchema<StockCountItem>(",
    );
    expect(entity).toContain('tableName: "stock_count"');
    const settings = readFileSync(path.join(target, "src", "settings.ts"), "utf8");
    expect(settings).toContain("STOCK_COUNT_DEFAULT_PAGE_SIZE");
    expect(settings).toContain("integerSetting(settings,");
    const routes = readFileSync(path.join(target, "src", "routes", "stock-count.ts"), "utf8");
    const sdkImport = /import \{([^}]*)\} from "@roa2web\/plugin-sdk";/.exec(routes)?.[1] ?? "";
    expect(sdkImport).toMatch(/\bsignedInUser\b/);
    expect(sdkImport).toMatch(/\bassertCanSeeCompany\b/);
    expect(routes).not.toMatch(/from "\.\.\/access\.js"/);
    // The web UI: its tags, message keys, permission, API path and the file Vite
    // writes carry the new name.
    const ui = readFileSync(path.join(target, "src", "ui", "index.ts"), "utf8");
    expect(ui).toContain('customElements.define("stock-count-app", StockCountApp)');
    expect(ui).toContain("<stock-count-form");
    expect(ui).toContain('t("stock-count.title")');
    expect(ui).toContain('shellState.can("stock-count:write")');
    expect(ui).toContain('"/api/stock-count"');
    const form = readFileSync(path.join(target, "src", "ui", "stock-count-form.ts"), "utf8");
    expect(form).toContain('customElements.define("stock-count-form", StockCountForm)');
    expect(form).toContain('"stock-count-item-created"');
    const messages = readFileSync(path.join(target, "src", "ui", "messages.ts"), "utf8");
    expect(messages).toContain('"stock-count.title": "Notițe"');
    // Keys are code, texts are sentences.
    expect(messages).toContain('"stock-count.newStockCountItem": "New note"');
    const viteConfig = readFileSync(path.join(target, "vite.config.ts"), "utf8");
    expect(viteConfig).toContain(
      'pluginUiConfig({ entry: "src/ui/index.ts", fileName: "stock-count-app.js" })',
    );
    // The test that boots a kernel imports the public test kit, not a path into the kernel.
    const apiTest = readFileSync(path.join(target, "src", "stock-count-api.test.ts"), "utf8");
    expect(apiTest).toContain('from "@roa2web/kernel/testing"');
    expect(apiTest).not.toMatch(/from "\.\.\/[^"]*kernel/);
    const tsconfig = JSON.parse(readFileSync(path.join(target, "tsconfig.json"), "utf8"));
    expect(tsconfig.extends).toBeUndefined();
    expect(tsconfig.compilerOptions.strict).toBe(true);
    // It type-checks; tsup builds. Declarations would name types inside node_modules.
    expect(tsconfig.compilerOptions.declaration).toBe(false);
  });

  it("gives the copy a web UI that Vite builds into the module its manifest names", () => {
    const target = path.join(temp, "stock-count");
    lendPackages(target);
    const vite = path.join(exampleRoot, "node_modules", "vite", "bin", "vite.js");
    const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "error"], {
      cwd: target,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);

    const pkg = JSON.parse(readFileSync(path.join(target, "package.json"), "utf8"));
    const built = readFileSync(path.join(target, pkg.roa2web.ui.module), "utf8");
    expect(built).toContain('customElements.define("stock-count-app"');
    expect(built).toContain('customElements.define("stock-count-form"');
    // The shell's API stays external: one Lit and one session for every plugin.
    expect(built).toMatch(/^import \{[^}]*\bPluginElement\b[^}]*\} from "\/shell\/api\.js";/);
    expect(built).not.toMatch(/notes|Notes|NOTES/);
  });

  it("gives the copy an API test that passes against @roa2web/kernel/testing", () => {
    const target = path.join(temp, "stock-count");
    const pkg = JSON.parse(readFileSync(path.join(target, "package.json"), "utf8"));
    const kernel = JSON.parse(
      readFileSync(path.join(repoRoot, "kernel", "core", "package.json"), "utf8"),
    );
    expect(pkg.devDependencies["@roa2web/kernel"]).toBe(`^${kernel.version}`);
    // Its own build, as its package.json says: tsup (server half), then vite (web UI).
    expect(pkg.scripts.build).toBe("tsup && vite build");
    const tsup = runTool(target, "tsup/dist/cli-default.js", ["--silent"]);
    expect(tsup.output.trim()).toBe("");
    expect(tsup.status).toBe(0);
    const vite = runTool(target, "vite/bin/vite.js", ["build", "--logLevel", "error"]);
    expect(vite.status).toBe(0);
    // Its own tests, run where it lives, with vitest's defaults (no config file).
    const vitest = runTool(target, "vitest/vitest.mjs", ["run", "--reporter", "verbose"]);
    expect(vitest.output).toContain("stock-count-api.test.ts");
    expect(vitest.output).toMatch(/refuses to write without the write permission/);
    expect(vitest.output).toMatch(/Test Files {2}\d+ passed/);
    expect(vitest.output).not.toMatch(/failed/i);
    expect(vitest.status).toBe(0);
    // The test is typed by the kit's declarations, like the rest of the plugin.
    const tsc = runTool(target, "typescript/bin/tsc", ["--noEmit"]);
    expect(tsc.output.trim()).toBe("");
    expect(tsc.status).toBe(0);
  }, 180_000);

  it.each([
    ["Bad Name", "is not a valid plugin name"],
    ["1abc", "is not a valid plugin name"],
    ["a".repeat(41), "is not a valid plugin name"],
    ["kernel", "is reserved"],
    ["notes", 'A plugin named "notes" already exists'],
  ])("refuses the name %j with a clear message", (name, message) => {
    const result = scaffold(name, path.join(temp, "refused"));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
    expect(existsSync(path.join(temp, "refused"))).toBe(false);
  });

  it("takes the singular from a plural name, or from --singular", () => {
    const invoices = path.join(temp, "invoices");
    expect(scaffold("invoices", invoices).status).toBe(0);
    expect(filesUnder(invoices)).toContain(path.join("src", "invoice-entity.ts"));
    const contract = readFileSync(path.join(invoices, "src", "contract.ts"), "utf8");
    expect(contract).toContain("export interface InvoiceCreated {");
    expect(contract).toContain("export const invoiceCount = createServiceRef<InvoicesCount>(");

    const counts = path.join(temp, "counts");
    expect(scaffold("stock", counts, "--singular", "count-line").status).toBe(0);
    expect(filesUnder(counts)).toContain(path.join("src", "count-line-rules.ts"));
    const rules = readFileSync(path.join(counts, "src", "count-line-rules.ts"), "utf8");
    expect(rules).toContain("export function normaliseNewCountLine(");
    expect(rules).toContain("export function toCountLineView(countLine: CountLine)");
  });

  it.each([
    [["stock", "--singular", "stock"], "The singular must differ"],
    [["stock", "--singular", "Bad Word"], "is not a valid plugin name"],
    [["stock", "--plural", "x"], "Unknown option --plural"],
  ])("refuses the arguments %j with a clear message", (args, message) => {
    const result = scaffold(...args);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it("refuses a target folder that exists", () => {
    const target = path.join(temp, "taken");
    mkdirSync(target);
    const result = scaffold("stock", target);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("already exists");
    expect(readdirSync(target)).toEqual([]);
  });

  it("asks for a name when none is given", () => {
    const result = scaffold();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Give the plugin a name");
  });
});
