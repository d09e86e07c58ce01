/**
 * Writes small plugin packages for the install and upgrade tests: one folder each
 * (package.json with the manifest, dist/plugin.js with its migrations, dist/routes/), in a
 * temporary folder whose `node_modules` links to the kernel's, so the SDK resolves as
 * it does for an installed package.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const KERNEL_NODE_MODULES = fileURLToPath(new URL("../../node_modules", import.meta.url));

export interface PluginSpec {
  name: string;
  version: string;
  /** Route names: each answers `GET /<prefix>/<route>` publicly with `{ route, version }`. */
  routes?: string[];
  /** Tables created by one migration each, in order (`CREATE TABLE <table> (id INTEGER)`). */
  tables?: string[];
  permissions?: Record<string, string>;
  /** `start` throws this message. */
  throwsOnStart?: string;
  /** `exclusive: true` (never two instances at once). */
  exclusive?: boolean;
  kernel?: string;
  provides?: Record<string, string>;
  consumes?: Record<string, string>;
  prefix?: string;
  /** A web UI: `<name>-app` in dist/ui/<name>-app.js, showing this text. */
  ui?: string;
}

/** A temporary folder for plugin folders and packages; `node_modules` links to the kernel's. */
export function temporaryPluginHome(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "roa2web-plugin-home-"));
  symlinkSync(KERNEL_NODE_MODULES, path.join(dir, "node_modules"), "junction");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeRoute(folder: string, route: string): void {
  writeFileSync(
    path.join(folder, "dist", "routes", `${route}.js`),
    `import { defineRoutes } from "@roa2web/plugin-sdk";
export default defineRoutes(async (app, { plugin }) => {
  app.get("/${route}", { config: { access: "public" } }, async () => {
    let tables = [];
    try {
      const rows = await plugin.database().query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
      tables = rows.map((row) => row.name);
    } catch {}
    return { route: ${JSON.stringify(route)}, version: plugin.version, tables };
  });
});
`,
  );
}

/** Writes the plugin's folder (`<parent>/<name>-<version>` unless `folder` is given). */
export function writePluginFolder(parent: string, spec: PluginSpec, folder?: string): string {
  const root = folder ?? path.join(parent, `${spec.name}-${spec.version}`);
  mkdirSync(path.join(root, "dist", "routes"), { recursive: true });
  const tables = spec.tables ?? [];
  writeFileSync(
    path.join(root, "package.json"),
    `${JSON.stringify(
      {
        name: `@fixtures/plugin-${spec.name}`,
        version: spec.version,
        type: "module",
        private: true,
        roa2web: {
          name: spec.name,
          entry: "dist/plugin.js",
          kernel: spec.kernel ?? "^0.1.0",
          prefix: spec.prefix ?? `/api/${spec.name}`,
          permissions: spec.permissions ?? {},
          ...(spec.provides ? { provides: spec.provides } : {}),
          ...(spec.consumes ? { consumes: spec.consumes } : {}),
          ...(spec.ui === undefined
            ? {}
            : { ui: { tag: `${spec.name}-app`, module: `dist/ui/${spec.name}-app.js` } }),
        },
      },
      null,
      2,
    )}\n`,
  );
  const migrations = tables.map(
    (table, index) => `class Create${index}${1700000000000 + index} {
  name = "Create${index}${1700000000000 + index}";
  async up(queryRunner) { await queryRunner.query("CREATE TABLE ${table} (id INTEGER PRIMARY KEY)"); }
  async down(queryRunner) { await queryRunner.query("DROP TABLE ${table}"); }
}`,
  );
  const classes = tables.map((_, index) => `Create${index}${1700000000000 + index}`);
  writeFileSync(
    path.join(root, "dist", "plugin.js"),
    `import { definePlugin } from "@roa2web/plugin-sdk";
${migrations.join("\n")}
export default definePlugin({
  deps: {},
  routes: new URL("./routes", import.meta.url),
  ${spec.exclusive ? "exclusive: true," : ""}
  ${tables.length > 0 ? `database: { entities: [], migrations: [${classes.join(", ")}] },` : ""}
  async start() {
    ${spec.throwsOnStart ? `throw new Error(${JSON.stringify(spec.throwsOnStart)});` : "return {};"}
  },
});
`,
  );
  for (const route of spec.routes ?? ["hello"]) writeRoute(root, route);
  if (spec.ui !== undefined) {
    mkdirSync(path.join(root, "dist", "ui"), { recursive: true });
    writeFileSync(
      path.join(root, "dist", "ui", `${spec.name}-app.js`),
      `customElements.define(${JSON.stringify(`${spec.name}-app`)}, class extends HTMLElement {
  connectedCallback() { this.textContent = ${JSON.stringify(spec.ui)}; }
});
`,
    );
  }
  return root;
}
