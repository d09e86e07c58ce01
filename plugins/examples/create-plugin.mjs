#!/usr/bin/env node
/**
 * Scaffolds a new roa2web plugin package from the notes example:
 *
 *   node plugins/examples/create-plugin.mjs <name> [target-dir]
 *
 * <name> is the plugin name (lower-case words joined by dashes: `stock-count`). The
 * package is created in [target-dir], by default `plugins/<name>` of this workspace.
 * The copy gets the new name everywhere the example says "notes": package name,
 * manifest name, prefix, permissions, UI tags and module (`<name>-app`, `<name>-form`,
 * `dist/ui/<name>-app.js` in the manifest and in vite.config.ts), message keys
 * (`<name>.…`), env namespace, service and event names, file and class names. Plain
 * Node, no dependencies.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const EXAMPLES_DIR = path.dirname(fileURLToPath(import.meta.url));
const TEMPLATE_DIR = path.join(EXAMPLES_DIR, "notes");
const REPO_ROOT = path.resolve(EXAMPLES_DIR, "..", "..");
const TEMPLATE_NAME = "notes";
const TEMPLATE_PACKAGE = "@roa2web/plugin-example-notes";

/** The same rule the kernel's manifest check applies to `roa2web.name`. */
const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const NAME_MAX_LENGTH = 40;
/** Names whose prefix `/api/<name>` the kernel owns, or folders the workspace uses. */
const RESERVED_NAMES = new Set(["auth", "kernel", "companies", "calendar", "docs", "examples"]);

/** Never copied: build output, installs, and the scaffold's own test. */
const SKIPPED = new Set([
  "dist",
  "node_modules",
  "coverage",
  "CHANGELOG.md",
  "README.md",
  "scaffold.test.ts",
]);
const TEXT_EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs", ".json", ".md"]);

class ScaffoldError extends Error {}

export function validateName(name) {
  if (name === undefined || name === "") {
    throw new ScaffoldError(
      "Give the plugin a name: node plugins/examples/create-plugin.mjs <name> [target-dir]",
    );
  }
  if (!NAME_PATTERN.test(name) || name.length > NAME_MAX_LENGTH) {
    throw new ScaffoldError(
      `"${name}" is not a valid plugin name: use lower-case letters and digits in words joined by dashes, starting with a letter, at most ${NAME_MAX_LENGTH} characters (for example "stock-count").`,
    );
  }
  if (RESERVED_NAMES.has(name)) {
    throw new ScaffoldError(
      `"${name}" is reserved: the kernel owns /api/${name} or the workspace uses plugins/${name}. Choose another name.`,
    );
  }
}

/** Every name the workspace's plugins already use (plugins/* and plugins/examples/*). */
function workspacePluginNames() {
  const names = new Map();
  for (const folder of [path.join(REPO_ROOT, "plugins"), EXAMPLES_DIR]) {
    if (!existsSync(folder)) continue;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const file = path.join(folder, entry.name, "package.json");
      if (!existsSync(file)) continue;
      try {
        const manifestName = JSON.parse(readFileSync(file, "utf8")).roa2web?.name;
        if (typeof manifestName === "string") names.set(manifestName, path.dirname(file));
      } catch {
        // A package.json that does not parse is not ours to judge here.
      }
    }
  }
  return names;
}

export function nameForms(name) {
  const words = name.split("-");
  const snake = words.join("_");
  return {
    kebab: name,
    snake,
    upper: snake.toUpperCase(),
    pascal: words.map((word) => word[0].toUpperCase() + word.slice(1)).join(""),
    title: words.map((word) => word[0].toUpperCase() + word.slice(1)).join(" "),
  };
}

/** Rewrites the example's "notes" in source text, in the form each place needs. */
export function rewriteText(text, forms) {
  return (
    text
      .replaceAll(TEMPLATE_PACKAGE, `@roa2web/plugin-${forms.kebab}`)
      // Quoted identifiers (table names, OpenAPI tags) cannot take a dash comfortably.
      .replaceAll(`"${TEMPLATE_NAME}"`, `"${forms.snake}"`)
      // The env namespace: NOTES_DEFAULT_PAGE_SIZE, MODULE_NOTES_ENABLED.
      .replace(/(?<![A-Za-z0-9])NOTES(?![A-Z0-9])/g, forms.upper)
      // Class and type names: NotesStore, NotesApp, CreateNotes1763900000000.
      .replace(/Notes(?![a-z])/g, forms.pascal)
      // Names in strings and paths: /api/notes, notes:read, notes-app, notes.count.
      .replace(/(?<![A-Za-z0-9])notes(?![a-z0-9])/g, (_match, offset, whole) =>
        whole[offset - 1] === "_" || whole[offset + TEMPLATE_NAME.length] === "_"
          ? forms.snake
          : forms.kebab,
      )
  );
}

function rewritePath(relative, forms) {
  return relative
    .split(path.sep)
    .map((part) => part.replace(/(?<![A-Za-z0-9])notes(?![a-z0-9])/g, forms.kebab))
    .join(path.sep);
}

function isInside(parent, child) {
  const relative = path.relative(parent, child);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

/** A relative module specifier from one folder to a file, always with forward slashes. */
function specifier(fromDir, toFile) {
  const relative = path.relative(fromDir, toFile).split(path.sep).join("/");
  return relative.startsWith(".") ? relative : `./${relative}`;
}

function rootDevDependencies() {
  const root = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  const wanted = ["@types/node", "tsup", "typescript", "vitest"];
  return Object.fromEntries(
    wanted.flatMap((name) =>
      root.devDependencies?.[name] ? [[name, root.devDependencies[name]]] : [],
    ),
  );
}

function rewritePackageJson(text, forms, target, inWorkspace) {
  const pkg = JSON.parse(text);
  const manifest = pkg.roa2web;
  pkg.name = `@roa2web/plugin-${forms.kebab}`;
  pkg.version = "0.1.0";
  pkg.description = `The ${forms.kebab} plugin for roa2web.`;
  manifest.name = forms.kebab;
  manifest.displayName = forms.title;
  manifest.description = `${forms.title}: describe what this plugin does.`;
  manifest.prefix = `/api/${forms.kebab}`;
  manifest.permissions = {
    [`${forms.kebab}:read`]: `Read ${forms.title}`,
    [`${forms.kebab}:write`]: `Change ${forms.title}`,
  };
  manifest.ui = { tag: `${forms.kebab}-app`, module: `dist/ui/${forms.kebab}-app.js` };
  // Service and event ids start with the plugin's name (the kernel refuses others).
  for (const key of ["provides", "consumes"]) {
    if (manifest[key]) {
      manifest[key] = Object.fromEntries(
        Object.entries(manifest[key]).map(([id, version]) => [rewriteText(id, forms), version]),
      );
    }
  }
  for (const key of ["emits", "subscribes"]) {
    if (manifest[key]) manifest[key] = manifest[key].map((id) => rewriteText(id, forms));
  }
  if (!inWorkspace) {
    // Outside this workspace there is no workspace: protocol and no root toolchain.
    const versionOf = (folder) =>
      JSON.parse(readFileSync(path.join(REPO_ROOT, "kernel", folder, "package.json"), "utf8"))
        .version;
    pkg.dependencies["@roa2web/plugin-sdk"] = `^${versionOf("plugin-sdk")}`;
    pkg.devDependencies = { ...rootDevDependencies(), ...pkg.devDependencies };
    // Its API test boots a real kernel through @roa2web/kernel/testing.
    if (pkg.devDependencies["@roa2web/kernel"]) {
      pkg.devDependencies["@roa2web/kernel"] = `^${versionOf("core")}`;
    }
    // The shell's UI build preset and API types are not published: use this checkout's.
    if (pkg.devDependencies["@roa2web/ui-shell"]) {
      pkg.devDependencies["@roa2web/ui-shell"] =
        `file:${specifier(target, path.join(REPO_ROOT, "ui-shell"))}`;
    }
  }
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function rewriteTsconfig(text, target) {
  const base = path.join(REPO_ROOT, "tsconfig.base.json");
  if (isInside(REPO_ROOT, target)) {
    // Keep the file (and its comments) as it is; only the way to the base changes.
    return text.replace(/"extends":\s*"[^"]*"/, `"extends": "${specifier(target, base)}"`);
  }
  // A standalone package carries the compiler options itself.
  const tsconfig = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ""));
  const { compilerOptions } = JSON.parse(readFileSync(base, "utf8"));
  delete tsconfig.extends;
  tsconfig.compilerOptions = { ...compilerOptions, ...tsconfig.compilerOptions };
  return `${JSON.stringify(tsconfig, null, 2)}\n`;
}

function readme(forms, target) {
  const where = isInside(REPO_ROOT, target) ? path.relative(REPO_ROOT, target) : target;
  return `# @roa2web/plugin-${forms.kebab}

Scaffolded from the notes example (\`plugins/examples/notes\`). The guide is
\`docs/plugin-authoring.md\` in the roa2web repository.

\`\`\`sh
pnpm install                                              # link the new package
pnpm --filter @roa2web/plugin-${forms.kebab} run build    # tsup, then vite (web UI) → dist/
MODULE_${forms.upper}_ENABLED=true pnpm start             # serve it under /api/${forms.kebab}
                                                          # and its web UI at /${forms.kebab}
npx vitest run ${where}                                   # its tests
\`\`\`
`;
}

function copyTree(source, target, forms, context) {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name) || entry.name.endsWith(".tsbuildinfo")) continue;
    const from = path.join(source, entry.name);
    const to = path.join(target, rewritePath(entry.name, forms));
    if (entry.isDirectory()) {
      copyTree(from, to, forms, context);
      continue;
    }
    if (!TEXT_EXTENSIONS.has(path.extname(entry.name))) {
      copyFileSync(from, to);
      continue;
    }
    const text = readFileSync(from, "utf8");
    const relative = path.relative(TEMPLATE_DIR, from);
    let output;
    if (relative === "package.json") {
      output = rewritePackageJson(text, forms, context.root, context.inWorkspace);
    } else if (relative === "tsconfig.json") output = rewriteTsconfig(text, context.root);
    else output = rewriteText(text, forms);
    writeFileSync(to, output);
  }
}

export function createPlugin(name, targetDir) {
  validateName(name);
  const target = path.resolve(targetDir ?? path.join(REPO_ROOT, "plugins", name));
  if (existsSync(target)) {
    throw new ScaffoldError(`${target} already exists: choose another name or target folder.`);
  }
  const taken = workspacePluginNames().get(name);
  if (taken) {
    throw new ScaffoldError(`A plugin named "${name}" already exists in ${taken}.`);
  }
  const forms = nameForms(name);
  // pnpm-workspace.yaml lists plugins/* and plugins/examples/*.
  const parent = path.dirname(target);
  const inWorkspace = parent === path.join(REPO_ROOT, "plugins") || parent === EXAMPLES_DIR;
  copyTree(TEMPLATE_DIR, target, forms, { root: target, inWorkspace });
  writeFileSync(path.join(target, "README.md"), readme(forms, target));
  return { target, forms, inWorkspace };
}

function main(argv) {
  const [name, targetDir, ...rest] = argv;
  if (rest.length > 0 || name === "--help" || name === "-h") {
    process.stdout.write("Usage: node plugins/examples/create-plugin.mjs <name> [target-dir]\n");
    return rest.length > 0 ? 2 : 0;
  }
  try {
    const { target, forms, inWorkspace } = createPlugin(name, targetDir);
    const shown = isInside(REPO_ROOT, target) ? path.relative(REPO_ROOT, target) : target;
    process.stdout.write(
      [
        `Created @roa2web/plugin-${forms.kebab} in ${shown}`,
        "",
        "Next:",
        inWorkspace
          ? "  npx -y pnpm@10.34.9 install"
          : `  (outside plugins/: install it yourself, and point PLUGINS_DIR at ${path.dirname(target)})`,
        `  npx -y pnpm@10.34.9 --filter @roa2web/plugin-${forms.kebab} run build`,
        `  MODULE_${forms.upper}_ENABLED=true npx -y pnpm@10.34.9 start`,
        `  then open http://localhost:8000/${forms.kebab} (demo / demo)`,
        "",
      ].join("\n"),
    );
    return 0;
  } catch (error) {
    if (error instanceof ScaffoldError) {
      process.stderr.write(`create-plugin: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
