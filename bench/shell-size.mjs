// The web shell's JavaScript budget (issue #7: initial JS under 60 KB gzip).
// Run after a build: `node bench/shell-size.mjs` (part of `pnpm bench`).
//
// "Initial" = what a browser must fetch before the first screen: the entry script in
// ui-shell/dist/index.html and every module it imports statically, transitively.
// Dynamic import() targets (the admin page, the URLPattern polyfill, plugin UIs) load
// later and are listed separately. Lit itself is measured in the same run as the
// baseline: the shell's share is what it adds on top of the library it stands on.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "./lib.mjs";

const DIST = path.join(ROOT, "ui-shell", "dist");
const BUDGET_KB = 60;

if (!existsSync(path.join(DIST, "index.html"))) {
  console.error("ui-shell/dist is missing: run `pnpm build` first");
  process.exit(1);
}

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (bytes) => (bytes / 1024).toFixed(1);

const STATIC_IMPORT =
  /(?:^|[;}\n])\s*(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g;
const DYNAMIC_IMPORT = /import\(\s*["'`]([^"'`]+)["'`]\s*\)/g;

function graph(entries) {
  const seen = new Set();
  const lazy = new Set();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const [, spec] of text.matchAll(STATIC_IMPORT)) {
      if (spec.startsWith(".")) queue.push(path.resolve(path.dirname(file), spec));
      else if (spec.startsWith("/")) queue.push(path.join(DIST, spec));
    }
    for (const [, spec] of text.matchAll(DYNAMIC_IMPORT)) {
      if (spec.startsWith(".")) lazy.add(path.resolve(path.dirname(file), spec));
    }
  }
  return { files: [...seen], lazy: [...lazy].filter((file) => !seen.has(file)) };
}

const html = readFileSync(path.join(DIST, "index.html"), "utf8");
const entries = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map(([, src]) =>
  path.join(DIST, src),
);
const initial = graph(entries);
const initialBytes = initial.files.reduce((sum, file) => sum + gz(file), 0);

// Baseline: Lit's own modules as shipped on npm (lit-html + lit-element + reactive-element).
const fromShell = createRequire(path.join(ROOT, "ui-shell", "package.json"));
const litBytes = ["lit-html", "lit-element/lit-element.js", "@lit/reactive-element"]
  .map((id) => {
    try {
      return gz(fromShell.resolve(id));
    } catch {
      // lit-element and reactive-element are lit's dependencies: resolve them from lit.
      const fromLit = createRequire(fromShell.resolve("lit"));
      return gz(fromLit.resolve(id));
    }
  })
  .reduce((sum, bytes) => sum + bytes, 0);

console.log("web shell, initial JavaScript (gzip -9):");
for (const file of initial.files)
  console.log(`  ${kb(gz(file)).padStart(6)} KB  ${path.relative(DIST, file)}`);
console.log(`  ${kb(initialBytes).padStart(6)} KB  total (budget ${BUDGET_KB} KB)`);
console.log(`baseline, Lit alone (lit-html + lit-element + reactive-element): ${kb(litBytes)} KB`);
console.log(`shell / Lit: ${(initialBytes / Math.max(1, litBytes)).toFixed(2)}x`);
console.log("loaded later:");
for (const file of initial.lazy)
  console.log(`  ${kb(gz(file)).padStart(6)} KB  ${path.relative(DIST, file)}`);
for (const plugin of ["reports", "data-entry", "telegram"]) {
  const uiDir = path.join(ROOT, "plugins", plugin, "dist", "ui");
  const entry = path.join(uiDir, `${plugin}-app.js`);
  if (!existsSync(entry)) continue;
  const own = graph([entry]);
  const bytes = own.files
    .filter((file) => file.startsWith(uiDir))
    .reduce((sum, file) => sum + gz(file), 0);
  const lazyBytes = own.lazy.reduce((sum, file) => sum + gz(file), 0);
  console.log(
    `  ${kb(bytes).padStart(6)} KB  plugin ${plugin} (entry + static imports; +${kb(lazyBytes)} KB lazy chunks)`,
  );
}
process.exit(initialBytes <= BUDGET_KB * 1024 ? 0 : 1);
